import type { Logger, PathDefinition } from '@coffer/sdk';
import type { TokenStore } from './store.js';

/** auth/token/accessors (LIST, sudo) and auth/token/tidy. */
export function accessorAndTidyPaths(store: TokenStore, logger: Logger): PathDefinition[] {
  let tidying: Promise<unknown> | undefined;
  return [
    {
      pattern: 'accessors/?',
      operations: {
        list: {
          summary: 'List the accessors of all tokens (needs sudo).',
          callback: async () => {
            const { keys, warnings } = await store.listAccessors();
            return { data: { keys }, ...(warnings.length > 0 ? { warnings } : {}) };
          },
        },
      },
      helpSynopsis: 'List token accessors.',
      helpDescription: 'Lists every token accessor. Because listing can be used to cause a denial of service, this endpoint needs sudo as well as list.',
    },
    {
      pattern: 'tidy',
      operations: {
        update: {
          summary: 'Clean up token indexes left behind by failures.',
          callback: async () => {
            if (tidying) return { warnings: ['Tidy operation already in progress.'] };
            tidying = store
              .tidy()
              .catch((err: unknown) => logger.error({ err: String(err) }, 'token tidy failed'))
              .finally(() => {
                tidying = undefined;
              });
            return {
              statusCode: 202,
              warnings: ["Tidy operation successfully started. Any information from the operation will be printed to the server's logs."],
            };
          },
        },
      },
      helpSynopsis: 'Clean up token storage after errors.',
      helpDescription: 'Removes accessor and parent index entries of tokens that no longer exist. Usually not needed.',
    },
  ];
}
