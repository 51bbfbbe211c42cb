import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { readPgpKeyFile, readPgpKeyFiles } from '../cli/pgp-key-files.js';
import { outputData } from '../format/output.js';
import { wrapAtLength } from '../format/text-wrap.js';

const DEFAULT_KEY_SHARES = 5;
const DEFAULT_KEY_THRESHOLD = 3;

export const operatorInitCommand: Command = {
  name: 'operator init',
  synopsis: 'Initializes a server',
  help: `
Usage: ${CLI_NAME} operator init [options]

  Initializes a ${PRODUCT_NAME} server. Initialization is the process by which the
  storage backend is prepared to receive data. Since the server is not yet
  unsealed, this also generates the root key and splits it into unseal key
  shares with Shamir's secret sharing.

  This command cannot be run against an already-initialized server.

  Start initialization with the default options:

      $ ${CLI_NAME} operator init

  Initialize with 3 key shares, any 2 of which unseal:

      $ ${CLI_NAME} operator init -key-shares=3 -key-threshold=2

  Only check whether the server is initialized (exit 0: yes, 2: no):

      $ ${CLI_NAME} operator init -status`,
  flagSets: ['http', 'format'],
  flags: [
    {
      name: 'key-shares',
      aliases: ['n'],
      kind: 'int',
      usage: `Number of key shares to split the generated root key into. This is the number of "unseal keys" to generate. The default is ${DEFAULT_KEY_SHARES}.`,
    },
    {
      name: 'key-threshold',
      aliases: ['t'],
      kind: 'int',
      usage: `Number of key shares required to reconstruct the root key. This must be less than or equal to -key-shares. The default is ${DEFAULT_KEY_THRESHOLD}.`,
    },
    {
      name: 'pgp-keys',
      kind: 'slice',
      usage: 'Comma-separated list of paths to files on disk containing public PGP keys OR a comma-separated list of Keybase usernames using the format "keybase:<username>". When supplied, the generated unseal keys will be encrypted and base64-encoded in the order specified in this list.',
    },
    {
      name: 'root-token-pgp-key',
      kind: 'string',
      usage: 'Path to a file on disk containing a binary or base64-encoded public PGP key. When supplied, the generated root token will be encrypted and base64-encoded with the given public key.',
    },
    {
      name: 'status',
      kind: 'bool',
      usage: 'Print the current initialization status. An exit code of 0 means the server is already initialized. An exit code of 1 means an error occurred. An exit code of 2 means the server is not initialized.',
    },
    { name: 'recovery-shares', kind: 'int', usage: 'Number of key shares to split the recovery key into (auto-unseal only).' },
    { name: 'recovery-threshold', kind: 'int', usage: 'Number of key shares required to reconstruct the recovery key (auto-unseal only).' },
    { name: 'recovery-pgp-keys', kind: 'slice', usage: 'Behaves like -pgp-keys, but for the recovery key shares.' },
    { name: 'stored-shares', kind: 'int', usage: 'Number of unseal keys to store on an HSM (auto-unseal only).' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const client = ctx.client();

    if (ctx.flags.bool('status')) {
      let initialized: boolean;
      try {
        initialized = (await client.secret('GET', 'sys/init'))?.initialized === true;
      } catch (err) {
        // 2 means "not initialized" here, so errors use 1.
        ctx.ui.error(`Error checking init status: ${(err as Error).message}`);
        return 1;
      }
      if (ctx.format === 'table') {
        ctx.ui.output(initialized ? `${PRODUCT_NAME} is initialized` : `${PRODUCT_NAME} is not initialized`);
      } else {
        outputData(ctx.ui, { initialized });
      }
      return initialized ? 0 : 2;
    }

    // Auto-unseal servers take recovery shares instead of key shares.
    let recoverySeal = false;
    try {
      recoverySeal = (await client.secret('GET', 'sys/seal-status'))?.recovery_seal === true;
    } catch (err) {
      ctx.ui.error((err as Error).message);
      return 2;
    }
    let shares = ctx.flags.int('key-shares') ?? 0;
    let threshold = ctx.flags.int('key-threshold') ?? 0;
    let recoveryShares = ctx.flags.int('recovery-shares') ?? 0;
    let recoveryThreshold = ctx.flags.int('recovery-threshold') ?? 0;
    if (recoverySeal) {
      if (recoveryShares === 0) recoveryShares = DEFAULT_KEY_SHARES;
      if (recoveryThreshold === 0) recoveryThreshold = DEFAULT_KEY_THRESHOLD;
    } else {
      if (shares === 0) shares = DEFAULT_KEY_SHARES;
      if (threshold === 0) threshold = DEFAULT_KEY_THRESHOLD;
    }
    let pgpKeys: string[];
    let recoveryPgpKeys: string[];
    let rootTokenPgpKey: string;
    try {
      pgpKeys = await readPgpKeyFiles(ctx.flags.list('pgp-keys'));
      recoveryPgpKeys = await readPgpKeyFiles(ctx.flags.list('recovery-pgp-keys'));
      const rootKeyFile = ctx.flags.string('root-token-pgp-key') ?? '';
      rootTokenPgpKey = rootKeyFile ? await readPgpKeyFile(rootKeyFile) : '';
    } catch (err) {
      ctx.ui.error(`Error reading PGP key file: ${(err as Error).message}`);
      return 1;
    }
    const request: Record<string, unknown> = {
      secret_shares: shares,
      secret_threshold: threshold,
      stored_shares: ctx.flags.int('stored-shares') ?? 0,
      pgp_keys: pgpKeys,
      recovery_shares: recoveryShares,
      recovery_threshold: recoveryThreshold,
      recovery_pgp_keys: recoveryPgpKeys,
      root_token_pgp_key: rootTokenPgpKey,
    };
    let response: Record<string, unknown>;
    try {
      response = (await client.secret('PUT', 'sys/init', { body: request })) ?? {};
    } catch (err) {
      return apiFailure(ctx, 'Error initializing', err);
    }
    const keys = (response.keys as string[] | undefined) ?? [];
    const keysB64 = (response.keys_base64 as string[] | undefined) ?? [];
    const recoveryKeys = (response.recovery_keys as string[] | undefined) ?? [];
    const recoveryKeysB64 = (response.recovery_keys_base64 as string[] | undefined) ?? [];

    if (ctx.format !== 'table') {
      return outputData(
        ctx.ui,
        new Map<string, unknown>([
          ['unseal_keys_b64', keysB64],
          ['unseal_keys_hex', keys],
          ['unseal_shares', keys.length === 0 ? 1 : shares],
          ['unseal_threshold', keys.length === 0 ? 1 : threshold],
          ['recovery_keys_b64', recoveryKeysB64],
          ['recovery_keys_hex', recoveryKeys],
          ['recovery_keys_shares', recoveryShares],
          ['recovery_keys_threshold', recoveryThreshold],
          ['root_token', response.root_token ?? ''],
        ]),
      );
    }

    const useB64 = keysB64.length === keys.length;
    keys.forEach((key, i) => ctx.ui.output(`Unseal Key ${i + 1}: ${useB64 ? keysB64[i] : key}`));
    const useRecoveryB64 = recoveryKeysB64.length === recoveryKeys.length;
    recoveryKeys.forEach((key, i) => ctx.ui.output(`Recovery Key ${i + 1}: ${useRecoveryB64 ? recoveryKeysB64[i] : key}`));
    ctx.ui.output('');
    ctx.ui.output(`Initial Root Token: ${String(response.root_token ?? '')}`);
    if (keys.length > 0) {
      ctx.ui.output('');
      ctx.ui.output(
        wrapAtLength(
          `${PRODUCT_NAME} initialized with ${shares} key shares and a key threshold of ${threshold}. Please securely distribute the key shares printed above. When the ${PRODUCT_NAME} is re-sealed, restarted, or stopped, you must supply at least ${threshold} of these keys to unseal it before it can start servicing requests.`,
        ),
      );
      ctx.ui.output('');
      ctx.ui.output(
        wrapAtLength(
          `${PRODUCT_NAME} does not store the generated root key. Without at least ${threshold} keys to reconstruct the root key, ${PRODUCT_NAME} will remain permanently sealed!`,
        ),
      );
      ctx.ui.output('');
      ctx.ui.output(
        wrapAtLength(
          `It is possible to generate new unseal keys, provided you have a quorum of existing unseal keys shares. See "${CLI_NAME} operator rekey" for more information.`,
        ),
      );
    } else {
      ctx.ui.output('');
      ctx.ui.output(`Success! ${PRODUCT_NAME} is initialized`);
    }
    if (recoveryKeys.length > 0) {
      ctx.ui.output('');
      ctx.ui.output(
        wrapAtLength(
          `Recovery key initialized with ${recoveryShares} key shares and a key threshold of ${recoveryThreshold}. Please securely distribute the key shares printed above.`,
        ),
      );
    }
    return 0;
  },
};
