import { randomBytes } from 'node:crypto';
import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import QRCode from 'qrcode';
import { Secret } from 'otpauth';
import { normalizeBase32 } from './codes.js';
import type { TotpContext } from './context.js';
import { deleteKey, listKeyNames, readKey, TOTP_ALGORITHMS, writeKey, type TotpAlgorithm, type TotpKey } from './key-entry.js';
import { keyUrl, parseKeyUrl } from './otpauth-url.js';

// Bounds Vault does not set; they keep one request from allocating without limit.
const MAX_KEY_SIZE = 1024;
const MAX_QR_SIZE = 4096;

export function pathKeys(ctx: TotpContext): PathDefinition[] {
  return [
    {
      pattern: 'keys/?',
      operations: { list: { callback: async (req) => listResponse(await listKeyNames(req.storage)), summary: 'List the keys.' } },
      helpSynopsis: 'List the TOTP keys of this mount.',
      helpDescription: 'A LIST returns the names of the keys in "keys".',
    },
    definePath({
      pattern: `keys/${genericNameWithAtRegex('name')}`,
      fields: KEY_FIELDS,
      operations: {
        update: { callback: (req, d) => createKey(ctx, req, d), summary: 'Create (or replace) a key, generated or provided.' },
        read: { callback: readKeyResponse, summary: 'Read a key\'s settings (never its secret).' },
        delete: {
          callback: async (req, d) => {
            const name = d.values.name;
            await deleteKey(req.storage, name);
            ctx.usedCodes.forget(name);
            return null;
          },
          summary: 'Delete a key.',
        },
      },
      helpSynopsis: 'Manage the keys that TOTP codes are made and checked with.',
      helpDescription: `
With generate=true Coffer makes the secret (key_size random bytes) and, when
exported is true, returns it once as an otpauth:// "url" and a QR code PNG
("barcode", base64) for an authenticator app; issuer and account_name are then
required. Otherwise the key comes from another provider: a "url"
(otpauth://totp/...) or a base32 "key", and Coffer then only makes codes
(code/<name>) for it. A read returns the settings, never the secret.
`,
    }),
  ];
}

const KEY_FIELDS = {
  name: { type: 'string', description: 'Name of the key.' },
  generate: { type: 'bool', default: false, description: 'Generate the key in Coffer (true) or take it from another service (false).' },
  exported: {
    type: 'bool',
    default: true,
    description: 'With generate=true, return the url and the QR code (the only time the secret leaves Coffer).',
  },
  key_size: { type: 'int', default: 20, description: 'Bytes of a generated secret (at most 1024).' },
  key: { type: 'string', description: 'The shared secret in base32, when generate is false.', displayAttrs: { sensitive: true } },
  url: { type: 'string', description: 'An otpauth://totp/ URL with all the key settings, when generate is false.', displayAttrs: { sensitive: true } },
  issuer: { type: 'string', description: 'Name of the organization issuing the key; required with generate=true.' },
  account_name: { type: 'string', description: 'Name of the account the key belongs to; required with generate=true.' },
  period: { type: 'duration', default: 30, description: 'Seconds each code is valid for.' },
  algorithm: { type: 'string', default: 'SHA1', description: 'HMAC hash of the codes: SHA1, SHA256 or SHA512.' },
  digits: { type: 'int', default: 6, description: 'Digits of a code: 6 or 8.' },
  skew: { type: 'int', default: 1, description: 'Periods before and after the current one that validation accepts: 0 or 1.' },
  qr_size: { type: 'int', default: 200, description: 'Pixel size of the square QR code (at most 4096); 0 returns no QR code.' },
} satisfies Record<string, FieldSchema>;

type KeyFields = TypedFieldData<typeof KEY_FIELDS>;

async function createKey(ctx: TotpContext, req: Request, d: KeyFields): Promise<Response | null> {
  const name = d.values.name;
  const generate = d.values.generate;
  let keyText = d.values.key;
  let issuer = d.values.issuer;
  let accountName = d.values.account_name;
  let period: number = d.values.period;
  let digits: number = d.values.digits;
  let algorithm = d.values.algorithm;
  const skew = d.values.skew;
  const qrSize = d.values.qr_size;
  const keySize = d.values.key_size;
  const inputUrl = d.values.url;

  if (generate) {
    if (keyText !== '') throw invalid('a key should not be passed if generate is true');
    if (inputUrl !== '') throw invalid('a url should not be passed if generate is true');
  }
  if (inputUrl !== '') {
    const parsed = parseKeyUrl(inputUrl);
    if (!parsed) throw invalid('an error occurred while parsing url string');
    if (parsed.issuer !== undefined) issuer = parsed.issuer;
    accountName = parsed.accountName;
    keyText = parsed.secret;
    if (parsed.period !== undefined) {
      if (!/^-?\d+$/.test(parsed.period)) throw invalid('an error occurred while parsing period value in url');
      period = Number(parsed.period);
    }
    if (parsed.digits !== undefined) {
      if (!/^-?\d+$/.test(parsed.digits)) throw invalid('an error occurred while parsing digits value in url');
      digits = Number(parsed.digits);
    }
    if (parsed.algorithm !== undefined) algorithm = parsed.algorithm;
  }

  if (digits !== 6 && digits !== 8) throw invalid('the digits value can only be 6 or 8');
  if (!TOTP_ALGORITHMS.includes(algorithm as TotpAlgorithm)) throw invalid('the algorithm value is not valid');
  if (period <= 0) throw invalid('the period value must be greater than zero');
  if (skew !== 0 && skew !== 1) throw invalid('the skew value must be 0 or 1');
  if (qrSize < 0) throw invalid('the qr_size value must be greater than or equal to zero');
  if (qrSize > MAX_QR_SIZE) throw invalid(`the qr_size value must be at most ${MAX_QR_SIZE}`);
  if (keySize <= 0) throw invalid('the key_size value must be greater than zero');
  if (keySize > MAX_KEY_SIZE) throw invalid(`the key_size value must be at most ${MAX_KEY_SIZE}`);

  const settings = { issuer, account_name: accountName, period, algorithm: algorithm as TotpAlgorithm, digits: digits as 6 | 8, skew };
  let entry: TotpKey;
  let response: Response | null = null;
  if (generate) {
    if (accountName === '') throw invalid('the account_name value is required for generated keys');
    if (issuer === '') throw invalid('the issuer value is required for generated keys');
    entry = { key: new Secret({ buffer: Uint8Array.from(randomBytes(keySize)).buffer }).base32.replace(/=+$/, ''), ...settings };
    if (d.values.exported) {
      const url = keyUrl(entry);
      const data: Record<string, unknown> = { url };
      if (qrSize > 0) data['barcode'] = (await QRCode.toBuffer(url, { type: 'png', width: qrSize, errorCorrectionLevel: 'M' })).toString('base64');
      response = { data };
    }
  } else {
    if (keyText === '') throw invalid('the key value is required');
    const normalized = normalizeBase32(keyText);
    // The message says what is wrong, never echoes the secret.
    if (!normalized) throw invalid('invalid key value: illegal base32 data');
    entry = { key: normalized, ...settings };
  }
  await writeKey(req.storage, name, entry);
  ctx.usedCodes.forget(name);
  return response;
}

async function readKeyResponse(req: Request, d: KeyFields): Promise<Response | null> {
  const key = await readKey(req.storage, d.values.name);
  if (!key) return null;
  return { data: { issuer: key.issuer, account_name: key.account_name, period: key.period, algorithm: key.algorithm, digits: key.digits } };
}

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);
