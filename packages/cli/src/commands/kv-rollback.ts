import { CLI_NAME } from '../cli/branding.js';
import { type Command } from '../cli/command.js';
import { outputWriteResult } from '../cli/write-result.js';
import { MOUNT_FLAG } from '../kv/common.js';
import { resolveV2KeyArg } from '../kv/key-arg.js';
import { preRead } from '../kv/pre-read.js';

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
    const current = await preRead(ctx, client, fullPath, undefined, 'rollback');
    if (typeof current === 'number') return current;
    const currentMeta = current.metadata;

    const target = await preRead(ctx, client, fullPath, { version: String(version) }, 'rollback');
    if (typeof target === 'number') return target;
    const meta = target.metadata;
    if (typeof meta.deletion_time === 'string' && meta.deletion_time !== '') {
      ctx.ui.error('Cannot roll back to a version that has been deleted');
      return 2;
    }
    if (meta.destroyed === true) {
      ctx.ui.error('Cannot roll back to a version that has been destroyed');
      return 2;
    }
    const data = target.body.data;
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
    return outputWriteResult(ctx, secret, `Success! Data written to: ${fullPath}`);
  },
};
