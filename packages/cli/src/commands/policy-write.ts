import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';

export const policyWriteCommand: Command = {
  name: 'policy write',
  synopsis: 'Uploads a named policy from a file',
  help: `
Usage: ${CLI_NAME} policy write [options] NAME PATH

  Uploads a policy with name NAME from the contents of a local file PATH or
  stdin. If PATH is "-", the policy is read from stdin. Otherwise, it is
  loaded from the file at the given path on the local disk.

  Upload a policy named "my-policy" from "/tmp/policy.hcl" on the local disk:

      $ ${CLI_NAME} policy write my-policy /tmp/policy.hcl

  Upload a policy from stdin:

      $ cat my-policy.hcl | ${CLI_NAME} policy write my-policy -`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '2', 2, 2);
    if (usage !== undefined) return usage;
    const name = ctx.args[0]!.trim().toLowerCase();
    const path = ctx.args[1]!.trim();
    let rules: string;
    if (path === '-') {
      rules = await ctx.readStdin();
    } else {
      try {
        rules = readFileSync(resolve(ctx.io.cwd, path), 'utf8');
      } catch (err) {
        ctx.ui.error(`Error opening policy file: ${(err as Error).message}`);
        return 2;
      }
    }
    try {
      await ctx.client().request('PUT', `sys/policies/acl/${name}`, { body: { policy: rules } });
    } catch (err) {
      return apiFailure(ctx, 'Error uploading policy', err);
    }
    ctx.ui.output(`Success! Uploaded policy: ${name}`);
    return 0;
  },
};
