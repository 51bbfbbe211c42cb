import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { MOUNT_FLAG, outputKvSimple, parseVersions, VERSIONS_FLAG } from '../kv/common.js';
import { keyTarget } from '../kv/key-arg.js';

export const kvDeleteCommand: Command = {
  name: 'kv delete',
  synopsis: 'Deletes versions in the KV store',
  help: `
Usage: ${CLI_NAME} kv delete [options] PATH

  Deletes the data for the provided version and path in the key-value store.
  The versioned data will not be fully removed, but marked as deleted and
  will no longer be returned in normal get requests.

  To delete the latest version of the key "foo":

      $ ${CLI_NAME} kv delete -mount=secret foo

  To delete version 3 of key foo:

      $ ${CLI_NAME} kv delete -mount=secret -versions=3 foo`,
  flagSets: ['http', 'format'],
  flags: [
    { ...VERSIONS_FLAG, usage: 'Specifies the version numbers to delete.' },
    MOUNT_FLAG,
  ],
  async run(ctx) {
    const target = await keyTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, kv } = target;
    const versions = parseVersions(ctx);
    let fullPath = kv.v1Path;
    let secret;
    try {
      if (kv.v2) {
        fullPath = kv.api('data');
        secret =
          versions.length > 0
            ? await client.write(kv.api('delete'), { versions })
            : await client.delete(fullPath);
      } else {
        secret = await client.delete(fullPath);
      }
    } catch (err) {
      return apiFailure(ctx, `Error deleting ${fullPath}`, err);
    }
    return outputKvSimple(ctx, `Success! Data deleted (if it existed) at: ${fullPath}`, secret);
  },
};
