import type { ApiClient } from '../api/client.js';
import type { Secret } from '../api/secret.js';
import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { submitKeyShare } from '../cli/key-share.js';
import { readPgpKeyFiles } from '../cli/pgp-key-files.js';
import { tableOutput } from '../format/columns.js';
import { outputData, outputSecret } from '../format/output.js';
import { ordered } from '../format/ordered.js';
import { wrapAtLength } from '../format/text-wrap.js';

type Status = Record<string, unknown>;

const STATUS_ORDER = [
  'nonce',
  'started',
  't',
  'n',
  'progress',
  'required',
  'pgp_fingerprints',
  'backup',
  'verification_required',
  'verification_nonce',
];

export const operatorRekeyCommand: Command = {
  name: 'operator rekey',
  synopsis: 'Generates new unseal keys',
  help: `
Usage: ${CLI_NAME} operator rekey [options] [KEY]

  Generates a new set of unseal keys. This can optionally change the total
  number of key shares or the required threshold of those key shares to
  reconstruct the root key. This operation is zero downtime, but it requires
  the server is unsealed and a quorum of existing unseal keys are provided.

  An unseal key may be provided directly on the command line as an argument to
  the command. If key is specified as "-", the command will read from stdin. If
  a TTY is available, the command will prompt for text.

  Initialize a rekey:

      $ ${CLI_NAME} operator rekey -init -key-shares=15 -key-threshold=9

  Rekey and encrypt the resulting unseal keys with PGP:

      $ ${CLI_NAME} operator rekey -init -key-shares=3 -key-threshold=2 \\
          -pgp-keys="keybase:hashicorp,keybase:jefferai,keybase:sethvargo"

  Enter an unseal key:

      $ ${CLI_NAME} operator rekey -nonce=... [KEY]

  Print the status, or cancel:

      $ ${CLI_NAME} operator rekey -status
      $ ${CLI_NAME} operator rekey -cancel`,
  flagSets: ['http', 'format'],
  flags: [
    { name: 'init', kind: 'bool', usage: 'Initialize the rekeying operation. This can only be done if no rekeying operation is in progress.' },
    { name: 'cancel', kind: 'bool', usage: 'Reset the rekeying progress. This will discard any submitted unseal keys, recovery keys, or configuration.' },
    { name: 'status', kind: 'bool', usage: 'Print the status of the current attempt without providing an unseal or recovery key.' },
    { name: 'key-shares', aliases: ['n'], kind: 'int', default: 5, usage: 'Number of key shares to split the generated root key into. This is the number of "unseal keys" or "recovery keys" to generate.' },
    { name: 'key-threshold', aliases: ['t'], kind: 'int', default: 3, usage: 'Number of key shares required to reconstruct the root key. This must be less than or equal to -key-shares.' },
    { name: 'nonce', kind: 'string', usage: 'Nonce value provided at initialization. The same nonce value must be provided with each unseal or recovery key.' },
    { name: 'target', kind: 'string', default: 'barrier', usage: 'Target for rekeying. "recovery" only applies when HSM support is enabled.' },
    { name: 'verify', kind: 'bool', usage: 'Indicate during the phase "-init" that verification is required. If set for a provided key, the key is used for verification of the new keys instead of the rekey itself.' },
    { name: 'pgp-keys', kind: 'slice', usage: 'Comma-separated list of paths to files on disk containing public PGP keys OR a comma-separated list of Keybase usernames using the format "keybase:<username>". When supplied, the generated unseal keys will be encrypted and base64-encoded in the order specified in this list.' },
    { name: 'backup', kind: 'bool', usage: 'Store a backup of the current PGP encrypted unseal or recovery keys in the core. This allows recovery of the encrypted keys in the event of failure. This can only be used with -pgp-keys.' },
    { name: 'backup-delete', kind: 'bool', usage: 'Delete any stored backup unseal keys.' },
    { name: 'backup-retrieve', kind: 'bool', usage: 'Retrieve the backed-up unseal keys. This option is only available if the PGP keys were provided and the backup has not been deleted.' },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
      return 1;
    }
    const target = (ctx.flags.string('target') ?? 'barrier').trim().toLowerCase();
    let base: string;
    if (target === 'barrier') base = 'sys/rekey';
    else if (target === 'recovery' || target === 'hsm') base = 'sys/rekey-recovery-key';
    else {
      ctx.ui.error(`Unknown target: ${ctx.flags.string('target')}`);
      return 1;
    }
    const client = ctx.client();
    const verify = ctx.flags.bool('verify');

    if (ctx.flags.bool('backup-delete')) {
      try {
        await client.request('DELETE', `${base}/backup`);
      } catch (err) {
        return apiFailure(ctx, 'Error deleting rekey stored keys', err);
      }
      ctx.ui.output('Success! Delete stored keys (if they existed)');
      return 0;
    }
    if (ctx.flags.bool('backup-retrieve')) {
      let secret: Secret | null;
      try {
        secret = await client.secret('GET', `${base}/backup`);
      } catch (err) {
        return apiFailure(ctx, 'Error retrieving rekey stored keys', err);
      }
      return outputSecret(ctx.ui, { data: secret?.data ?? null });
    }
    if (ctx.flags.bool('cancel')) {
      try {
        await client.request('DELETE', verify ? `${base}/verify` : `${base}/init`);
      } catch (err) {
        return apiFailure(ctx, 'Error canceling rekey', err);
      }
      ctx.ui.output('Success! Canceled rekeying (if it was started)');
      return 0;
    }
    if (ctx.flags.bool('init')) return init(ctx, client, base);
    if (ctx.flags.bool('status')) return status(ctx, client, base, verify);
    return provide(ctx, client, base, verify, (ctx.args[0] ?? '').trim());
  },
};

async function init(ctx: Context, client: ApiClient, base: string): Promise<number> {
  let pgpKeys: string[];
  try {
    pgpKeys = await readPgpKeyFiles(ctx.flags.list('pgp-keys'));
  } catch (err) {
    ctx.ui.error(`Error reading PGP key file: ${(err as Error).message}`);
    return 1;
  }
  let result: Status;
  try {
    result =
      (await client.secret('PUT', `${base}/init`, {
        body: {
          secret_shares: ctx.flags.int('key-shares'),
          secret_threshold: ctx.flags.int('key-threshold'),
          pgp_keys: pgpKeys,
          backup: ctx.flags.bool('backup'),
          require_verification: ctx.flags.bool('verify'),
        },
      })) ?? {};
  } catch (err) {
    return apiFailure(ctx, 'Error initializing rekey', err);
  }
  if (ctx.format === 'table') {
    if (pgpKeys.length === 0) {
      ctx.ui.warn(
        wrapAtLength(
          'WARNING! If you lose the keys after they are returned, there is no recovery. Consider canceling this operation and re-initializing with the -pgp-keys flag to protect the returned unseal keys along with -backup to allow recovery of the encrypted keys in case of emergency. You can delete the stored keys later using the -delete flag.',
        ),
      );
      ctx.ui.output('');
    } else if (!ctx.flags.bool('backup')) {
      ctx.ui.warn(
        wrapAtLength(
          `WARNING! You are using PGP keys for encrypted the resulting unseal keys, but you did not enable the option to backup the keys to ${PRODUCT_NAME}'s core. If you lose the encrypted keys after they are returned, you will not be able to recover them. Consider canceling this operation and re-running with -backup to allow recovery of the encrypted unseal keys in case of emergency. You can delete the stored keys later using the -delete flag.`,
        ),
      );
      ctx.ui.output('');
    }
  }
  return printStatus(ctx, result, false);
}

async function status(ctx: Context, client: ApiClient, base: string, verify: boolean): Promise<number> {
  let result: Status;
  try {
    result = (await client.secret('GET', verify ? `${base}/verify` : `${base}/init`)) ?? {};
  } catch (err) {
    return apiFailure(ctx, 'Error reading rekey status', err);
  }
  return printStatus(ctx, result, verify);
}

function printStatus(ctx: Context, s: Status, verification: boolean): number {
  if (ctx.format !== 'table') return outputData(ctx.ui, ordered(s, STATUS_ORDER));
  const rows = ['Key | Value'];
  if (verification) {
    rows.push(`Started | ${s.started === true}`);
    rows.push(`New Shares | ${Number(s.n ?? 0)}`);
    rows.push(`New Threshold | ${Number(s.t ?? 0)}`);
    rows.push(`Verification Nonce | ${String(s.nonce ?? '')}`);
    rows.push(`Verification Progress | ${Number(s.progress ?? 0)}/${Number(s.t ?? 0)}`);
  } else {
    rows.push(`Nonce | ${String(s.nonce ?? '')}`);
    rows.push(`Started | ${s.started === true}`);
    if (s.started === true) {
      const progress = Number(s.progress ?? 0);
      const required = Number(s.required ?? 0);
      rows.push(`Rekey Progress | ${progress}/${required}${progress === required ? ' (verification in progress)' : ''}`);
      rows.push(`New Shares | ${Number(s.n ?? 0)}`);
      rows.push(`New Threshold | ${Number(s.t ?? 0)}`);
      rows.push(`Verification Required | ${s.verification_required === true}`);
      if (s.verification_nonce) rows.push(`Verification Nonce | ${String(s.verification_nonce)}`);
    }
    const fingerprints = s.pgp_fingerprints;
    if (Array.isArray(fingerprints) && fingerprints.length > 0) {
      rows.push(`PGP Fingerprints | [${fingerprints.join(' ')}]`);
      rows.push(`Backup | ${s.backup === true}`);
    }
  }
  ctx.ui.output(tableOutput(rows));
  return 0;
}

async function provide(ctx: Context, client: ApiClient, base: string, verify: boolean, keyArg: string): Promise<number> {
  const statusPath = verify ? `${base}/verify` : `${base}/init`;
  const updatePath = verify ? `${base}/verify` : `${base}/update`;
  let current: Status;
  try {
    current = (await client.secret('GET', statusPath)) ?? {};
  } catch (err) {
    return apiFailure(ctx, 'Error getting rekey status', err);
  }
  if (current.started !== true) {
    ctx.ui.error(wrapAtLength(`No rekey is in progress. Start a rekey process by running "${CLI_NAME} operator rekey -init".`));
    return 1;
  }
  const response = await submitKeyShare(ctx, client, {
    keyArg,
    status: current,
    nonceLabel: 'Rekey operation nonce',
    updatePath,
  });
  if (typeof response === 'number') return response;
  if (response.complete !== true) return status(ctx, client, base, verify);
  if (verify) {
    ctx.ui.output(wrapAtLength('Rekey verification successful. The rekey operation is complete and the new keys are now active.'));
    return 0;
  }
  return printUnsealKeys(ctx, client, base, current, response);
}

async function printUnsealKeys(ctx: Context, client: ApiClient, base: string, before: Status, response: Status): Promise<number> {
  if (ctx.format !== 'table') return outputData(ctx.ui, response);
  const keys = (response.keys as string[] | undefined) ?? [];
  const keysB64 = (response.keys_base64 as string[] | undefined) ?? [];
  const fingerprints = (response.pgp_fingerprints as string[] | undefined) ?? [];
  const useB64 = keysB64.length === keys.length;
  ctx.ui.output('');
  keys.forEach((key, i) => {
    const value = useB64 ? keysB64[i] : key;
    if (fingerprints.length > 0) ctx.ui.output(`Key ${i + 1} fingerprint: ${fingerprints[i]}; value: ${value}`);
    else ctx.ui.output(`Key ${i + 1}: ${value}`);
  });
  ctx.ui.output('');
  ctx.ui.output(`Operation nonce: ${String(response.nonce ?? '')}`);
  if (fingerprints.length > 0 && response.backup === true) {
    ctx.ui.output('');
    ctx.ui.output(
      wrapAtLength(
        `The encrypted unseal keys are backed up to "core/unseal-keys-backup" in the storage backend. Remove these keys at any time using "${CLI_NAME} operator rekey -backup-delete". ${PRODUCT_NAME} does not automatically remove these keys.`,
      ),
    );
  }
  const n = Number(before.n ?? 0);
  const t = Number(before.t ?? 0);
  ctx.ui.output('');
  if (before.verification_required !== true) {
    ctx.ui.output(
      wrapAtLength(
        `${PRODUCT_NAME} rekeyed with ${n} key shares and a key threshold of ${t}. Please securely distribute the key shares printed above. When ${PRODUCT_NAME} is re-sealed, restarted, or stopped, you must supply at least ${t} of these keys to unseal it before it can start servicing requests.`,
      ),
    );
    return 0;
  }
  ctx.ui.output(
    wrapAtLength(
      `${PRODUCT_NAME} has created a new key, split into ${n} key shares and a key threshold of ${t}. These will not be active until after verification is complete. Please securely distribute the key shares printed above. When ${PRODUCT_NAME} is re-sealed, restarted, or stopped, you must supply at least ${t} of these keys to unseal it before it can start servicing requests.`,
    ),
  );
  ctx.ui.output('');
  ctx.ui.warn(
    wrapAtLength(
      `Again, these key shares are _not_ valid until verification is performed. Do not lose or discard your current key shares until after verification is complete or you will be unable to unseal ${PRODUCT_NAME}. If you cancel the rekey process or seal ${PRODUCT_NAME} before verification is complete the new shares will be discarded and the current shares will remain valid.`,
    ),
  );
  ctx.ui.output('');
  ctx.ui.warn(wrapAtLength('The current verification status, including initial nonce, is shown below.'));
  ctx.ui.output('');
  return status(ctx, client, base, true);
}
