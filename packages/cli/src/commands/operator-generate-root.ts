import { randomInt, randomBytes } from 'node:crypto';
import type { ApiClient } from '../api/client.js';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { readPgpKeyFile } from '../cli/pgp-key-files.js';
import type { Context } from '../cli/context.js';
import { submitKeyShare } from '../cli/key-share.js';
import { columnOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { ordered } from '../format/ordered.js';
import { wrapAtLength } from '../format/text-wrap.js';

type Status = Record<string, unknown>;

const STATUS_ORDER = [
  'nonce',
  'started',
  'progress',
  'required',
  'complete',
  'encoded_token',
  'encoded_root_token',
  'pgp_fingerprint',
  'otp',
  'otp_length',
];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const operatorGenerateRootCommand: Command = {
  name: 'operator generate-root',
  synopsis: 'Generates a new root token',
  help: `
Usage: ${CLI_NAME} operator generate-root [options] [KEY]

  Generates a new root token by combining a quorum of share holders. One of
  the following must be provided to start the root token generation:

    - A base64-encoded one-time-password (OTP) provided via the "-otp" flag.
      Use the "-generate-otp" flag to generate a usable value. The resulting
      token is XORed with this value when it is returned. Use the "-decode"
      flag to output the final value.

    - A file containing a PGP key or a keybase username in the "-pgp-key"
      flag. The resulting token is encrypted with this public key.

  An unseal key may be provided directly on the command line as an argument to
  the command. If key is specified as "-", the command will read from stdin. If
  a TTY is available, the command will prompt for text.

  Generate an OTP code for the final token:

      $ ${CLI_NAME} operator generate-root -generate-otp

  Start a root token generation:

      $ ${CLI_NAME} operator generate-root -init -otp="..."

  Enter an unseal key to progress root token generation:

      $ ${CLI_NAME} operator generate-root -nonce=... [KEY]

  Decode the encoded token with the OTP:

      $ ${CLI_NAME} operator generate-root -decode=... -otp=...`,
  flagSets: ['http', 'format'],
  flags: [
    { name: 'init', kind: 'bool', usage: 'Start a root token generation. This can only be done if there is not currently one in progress.' },
    { name: 'cancel', kind: 'bool', usage: 'Reset the root token generation progress. This will discard any submitted unseal keys or configuration.' },
    { name: 'status', kind: 'bool', usage: 'Print the status of the current attempt without providing an unseal key.' },
    { name: 'decode', kind: 'string', usage: 'The value to decode; setting this triggers a decode operation. If the value is "-" then read the encoded token from stdin.' },
    { name: 'generate-otp', kind: 'bool', usage: 'Generate and print a high-entropy one-time-password (OTP) suitable for use with the "-init" flag.' },
    { name: 'otp', kind: 'string', usage: 'OTP code to use with "-decode" or "-init".' },
    { name: 'pgp-key', kind: 'string', usage: 'Path to a file on disk containing a binary or base64-encoded public PGP key, or a Keybase username ("keybase:<username>"). When supplied, the generated root token will be encrypted and base64-encoded with the given public key.' },
    { name: 'nonce', kind: 'string', usage: 'Nonce value provided at initialization. The same nonce value must be provided with each unseal key.' },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    if (ctx.flags.bool('generate-otp')) return generateOtp(ctx, client);
    if (ctx.flags.string('decode')) return decode(ctx, client);
    if (ctx.flags.bool('cancel')) {
      try {
        await client.request('DELETE', 'sys/generate-root/attempt');
      } catch (err) {
        return apiFailure(ctx, 'Error canceling root token generation', err);
      }
      ctx.ui.output('Success! Root token generation canceled (if it was started)');
      return 0;
    }
    if (ctx.flags.bool('init')) {
      const otp = ctx.flags.string('otp') ?? '';
      const pgpKey = ctx.flags.string('pgp-key') ?? '';
      if (otp && pgpKey) {
        ctx.ui.error('Error initializing: cannot specify both -otp and -pgp-key');
        return 1;
      }
      let pgpKeyBase64 = '';
      try {
        if (pgpKey) pgpKeyBase64 = await readPgpKeyFile(pgpKey);
      } catch (err) {
        ctx.ui.error(`Error reading PGP key file: ${(err as Error).message}`);
        return 1;
      }
      let status: Status;
      try {
        status = (await client.secret('PUT', 'sys/generate-root/attempt', { body: { otp, pgp_key: pgpKeyBase64 } })) ?? {};
      } catch (err) {
        return apiFailure(ctx, 'Error initializing root generation', err);
      }
      return printStatus(ctx, status);
    }
    if (ctx.flags.bool('status')) {
      const status = await readStatus(ctx, client);
      return typeof status === 'number' ? status : printStatus(ctx, status);
    }
    return provide(ctx, client, (ctx.args[0] ?? '').trim());
  },
};

async function readStatus(ctx: Context, client: ApiClient): Promise<Status | number> {
  try {
    return (await client.secret('GET', 'sys/generate-root/attempt')) ?? {};
  } catch (err) {
    return apiFailure(ctx, 'Error getting root generation status', err);
  }
}

function printStatus(ctx: Context, status: Status): number {
  if (ctx.format !== 'table') return outputData(ctx.ui, ordered(status, STATUS_ORDER));
  const rows = [
    `Nonce | ${String(status.nonce ?? '')}`,
    `Started | ${status.started === true}`,
    `Progress | ${Number(status.progress ?? 0)}/${Number(status.required ?? 0)}`,
    `Complete | ${status.complete === true}`,
  ];
  if (status.pgp_fingerprint) rows.push(`PGP Fingerprint | ${String(status.pgp_fingerprint)}`);
  if (status.encoded_token) rows.push(`Encoded Token | ${String(status.encoded_token)}`);
  else if (status.encoded_root_token) rows.push(`Encoded Root Token | ${String(status.encoded_root_token)}`);
  if (status.otp) {
    ctx.ui.warn(
      wrapAtLength(
        'A One-Time-Password has been generated for you and is shown in the OTP field. You will need this value to decode the resulting root token, so keep it safe.',
      ),
    );
    rows.push(`OTP | ${String(status.otp)}`);
  }
  if (Number(status.otp_length ?? 0) !== 0) rows.push(`OTP Length | ${Number(status.otp_length)}`);
  ctx.ui.output(columnOutput(rows));
  return 0;
}

async function generateOtp(ctx: Context, client: ApiClient): Promise<number> {
  const status = await readStatus(ctx, client);
  if (typeof status === 'number') return status;
  const length = Number(status.otp_length ?? 0);
  if (length === 0) {
    // Servers that predate OTP lengths take a base64 16-byte value.
    ctx.ui.raw(randomBytes(16).toString('base64'));
    return 0;
  }
  let otp = '';
  for (let i = 0; i < length; i++) otp += BASE62[randomInt(BASE62.length)];
  ctx.ui.raw(otp);
  return 0;
}

async function decode(ctx: Context, client: ApiClient): Promise<number> {
  let encoded = ctx.flags.string('decode') ?? '';
  if (encoded === '-') encoded = (await ctx.readStdin()).trim();
  const otp = ctx.flags.string('otp') ?? '';
  if (encoded === '') {
    ctx.ui.error('Missing encoded value: use -decode=<string> to supply it');
    return 1;
  }
  if (otp === '') {
    ctx.ui.error('Missing otp: use -otp to supply it');
    return 1;
  }
  const status = await readStatus(ctx, client);
  if (typeof status === 'number') return status;
  const tokenBytes = Buffer.from(encoded, 'base64');
  const otpBytes = Number(status.otp_length ?? 0) === 0 ? Buffer.from(otp, 'base64') : Buffer.from(otp, 'utf8');
  if (tokenBytes.length !== otpBytes.length) {
    ctx.ui.error(`Error xoring token: length of byte slices is not equivalent: ${tokenBytes.length} != ${otpBytes.length}`);
    return 1;
  }
  const token = Buffer.alloc(tokenBytes.length);
  for (let i = 0; i < token.length; i++) token[i] = tokenBytes[i]! ^ otpBytes[i]!;
  let text = token.toString('utf8');
  if (Number(status.otp_length ?? 0) === 0) {
    // Old-style tokens were UUIDs carried as 16 raw bytes.
    const hex = token.toString('hex');
    text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (ctx.format === 'table') ctx.ui.raw(text);
  else outputData(ctx.ui, { token: text });
  return 0;
}

async function provide(ctx: Context, client: ApiClient, keyArg: string): Promise<number> {
  const status = await readStatus(ctx, client);
  if (typeof status === 'number') return status;
  if (status.started !== true) {
    ctx.ui.error(wrapAtLength(`No root generation is in progress. Start a root generation by running "${CLI_NAME} operator generate-root -init".`));
    ctx.ui.warn(
      wrapAtLength(
        `If starting root generation using the OTP method and generating your own OTP, the length of the OTP string needs to be ${Number(status.otp_length ?? 0)} characters in length.`,
      ),
    );
    return 1;
  }
  const updated = await submitKeyShare(ctx, client, {
    keyArg,
    status,
    nonceLabel: 'Operation nonce',
    updatePath: 'sys/generate-root/update',
  });
  return typeof updated === 'number' ? updated : printStatus(ctx, updated);
}

