import { CLI_NAME } from '../cli/branding.js';
import { type Command } from '../cli/command.js';
import { outputSecret, printRawField } from '../format/output.js';
import { MOUNT_FLAG } from '../kv/common.js';
import { resolveV2KeyArg } from '../kv/key-arg.js';

export const kvRollbackCommand: Command = {
  name: 'kv rollback',
  synopsis: 'Rolls back to a previous version of data',
  help: `
Usage: ${CLI_NAME} kv rollback [options] KEY

  *NOTE*: This is only supported for KV v2 engine mounts.

  Restores a given previous version to the current version at the given path.
  The value is written as a new version; for instance, if the current version
  is 5 and the rollback version is 2, the data from version 2 will become
  version 6.

      $ ${CLI_NAME} kv rollback -mount=secret -version=2 foo`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    { name: 'version', kind: 'int', usage: 'Specifies the version number that should be made current again.' },
    MOUNT_FLAG,
  ],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      ctx.ui.error(`Invalid number of arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    if (!ctx.flags.isSet('version')) {
      ctx.ui.error('Version flag must be specified');
      return 1;
    }
    const version = ctx.flags.int('version') ?? 0;
    if (version <= 0) {
      ctx.ui.error(`Invalid value ${version} for the version flag`);
      return 1;
    }
    const client = ctx.client();
    const kv = await resolveV2KeyArg(ctx, client, {
      message: 'KV engine mount must be version 2 for rollback support',
      code: 2,
    });
    if (typeof kv === 'number') return kv;
    const fullPath = kv.api('data');

    // Current version, for check-and-set.
    let current;
    try {
      current = await client.read(fullPath, undefined, { noCurl: true });
    } catch (err) {
      ctx.ui.error(`Error doing pre-read at ${fullPath}: ${(err as Error).message}`);
      return 2;
    }
    if (!current || !current.data) {
      ctx.ui.error(`No value found at ${fullPath}`);
      return 2;
    }
    const currentMeta = current.data.metadata as Record<string, unknown> | null | undefined;
    if (!currentMeta || typeof currentMeta !== 'object') {
      ctx.ui.error(`No metadata found at ${fullPath}; rollback only works on existing data`);
      return 2;
    }

    let target;
    try {
      target = await client.read(fullPath, { version: String(version) }, { noCurl: true });
    } catch (err) {
      ctx.ui.error(`Error doing pre-read at ${fullPath}: ${(err as Error).message}`);
      return 2;
    }
    if (!target || !target.data) {
      ctx.ui.error(`No value found at ${fullPath}`);
      return 2;
    }
    const meta = target.data.metadata as Record<string, unknown> | null | undefined;
    if (!meta || typeof meta !== 'object') {
      ctx.ui.error(`No metadata found at ${fullPath}; rollback only works on existing data`);
      return 2;
    }
    if (typeof meta.deletion_time === 'string' && meta.deletion_time !== '') {
      ctx.ui.error('Cannot roll back to a version that has been deleted');
      return 2;
    }
    if (meta.destroyed === true) {
      ctx.ui.error('Cannot roll back to a version that has been destroyed');
      return 2;
    }
    const data = target.data.data;
    if (!data || typeof data !== 'object') {
      ctx.ui.error(`No data found at ${fullPath}; rollback only works on existing data`);
      return 2;
    }

    let secret;
    try {
      secret = await client.write(fullPath, { data, options: { cas: currentMeta.version } });
    } catch (err) {
      ctx.ui.error(`Error writing data to ${fullPath}: ${(err as Error).message}`);
      return 2;
    }
    if (!secret) {
      if (ctx.format === 'table') ctx.ui.info(`Success! Data written to: ${fullPath}`);
      return 0;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
