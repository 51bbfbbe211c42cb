import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchItems, batchResponse, itemInt, itemString, runItems, type BatchItem } from './batch.js';
import { requireKey, type TransitContext } from './context.js';
import { batchInputField, contextField, keyVersionField, NAME, nameField, optionalBase64 } from './fields.js';
import { HASH_ALGORITHMS } from './hash-algorithms.js';
import { verifyHmac } from './hmac.js';
import type { KeyPolicy } from './key-policy.js';
import { TRAITS } from './key-types.js';
import { signInput, verifySignature, type Marshaling, type SaltLength, type SignatureOptions } from './signing.js';
import { decodeBase64 } from './versioned-value.js';

/** Fields shared by sign/ and verify/. */
const signatureFields = {
  name: nameField,
  urlalgorithm: { type: 'string', description: 'Hash algorithm, given in the path.' },
  hash_algorithm: { type: 'string', default: 'sha2-256', description: `Hash algorithm for ECDSA and RSA: ${HASH_ALGORITHMS.join(', ')}, or none (RSA PKCS#1 v1.5 over a prehashed input).` },
  algorithm: { type: 'string', description: 'Deprecated name of hash_algorithm.' },
  input: { type: 'string', description: 'Base64-encoded input (a digest when prehashed).' },
  context: contextField,
  prehashed: { type: 'bool', description: 'The input is already a digest of hash_algorithm (ECDSA and RSA).' },
  signature_algorithm: { type: 'string', description: 'RSA signature scheme: pss (default) or pkcs1v15.' },
  marshaling_algorithm: { type: 'string', default: 'asn1', description: 'Signature encoding: asn1 (DER for ECDSA, standard base64) or jws (r||s for ECDSA, base64url).' },
  salt_length: { type: 'string', default: 'auto', description: 'RSA-PSS salt length: auto, hash, or a number of bytes.' },
  batch_input: batchInputField,
} satisfies Record<string, FieldSchema>;

const SIGN_FIELDS = { ...signatureFields, key_version: keyVersionField } satisfies Record<string, FieldSchema>;

const VERIFY_FIELDS = {
  ...signatureFields,
  signature: { type: 'string', description: 'The "vault:v<N>:..." signature to check.' },
  hmac: { type: 'string', description: 'The "vault:v<N>:..." HMAC to check, instead of a signature.' },
} satisfies Record<string, FieldSchema>;

export function pathSign(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `sign/${NAME}(?:/(?<urlalgorithm>[^/]+))?`,
    fields: SIGN_FIELDS,
    operations: {
      update: { callback: (req, d) => signHandler(ctx, req, d), summary: 'Sign data with a named key.' },
    },
    helpSynopsis: 'Sign base64-encoded data with an ed25519, ECDSA or RSA key.',
    helpDescription: `
ed25519 signs the input itself (a derived key needs "context" and its public
key is returned). ECDSA and RSA sign the hash_algorithm digest of the input,
or the input as given when prehashed. RSA uses PSS (salt_length) or
PKCS#1 v1.5. The answer is "vault:v<N>:<signature>".
`,
  });
}

export function pathVerify(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `verify/${NAME}(?:/(?<urlalgorithm>[^/]+))?`,
    fields: VERIFY_FIELDS,
    operations: {
      update: { callback: (req, d) => verifyHandler(ctx, req, d), summary: 'Verify a signature or HMAC.' },
    },
    helpSynopsis: 'Verify a signature or an HMAC made by a named key.',
    helpDescription: `
Answers "valid": true or false. Exactly one of "signature" and "hmac" is
given; the fields of sign/ (or hmac/, whose "algorithm" is hash_algorithm
here) must match those used to produce it. Versions below
min_decryption_version are refused.
`,
  });
}

/** The hash algorithm: from the path, else hash_algorithm, else the deprecated "algorithm". */
function hashAlgorithmOf(d: TypedFieldData<typeof signatureFields>): string {
  const algorithm = d.values.urlalgorithm || d.values.hash_algorithm || d.values.algorithm;
  if (algorithm !== 'none' && !HASH_ALGORITHMS.includes(algorithm)) throw invalidRequest(`invalid hash algorithm "${algorithm}"`);
  return algorithm;
}

/** The named key, which must be able to sign (or verify). */
async function signingKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof signatureFields>, action: 'signing' | 'verification'): Promise<KeyPolicy> {
  const policy = await requireKey(ctx, req.storage, d.values.name);
  if (!TRAITS[policy.type].signing) throw invalidRequest(`key type ${policy.type} does not support ${action}`);
  return policy;
}

function parseSaltLength(value: string): SaltLength {
  if (value === 'auto' || value === 'hash') return value;
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`salt length value must be a positive integer, "auto" or "hash", got ${value}`);
  return Number.parseInt(value, 10);
}

function parseMarshaling(value: string): Marshaling {
  if (value !== 'asn1' && value !== 'jws') throw invalidRequest(`invalid marshaling type "${value}"`);
  return value;
}

/** Options of one item: the item's fields, falling back to the request's. */
function itemOptions(policy: KeyPolicy, d: TypedFieldData<typeof signatureFields>, item: BatchItem): SignatureOptions {
  return {
    input: decodeBase64(itemString(item, 'input'), 'unable to decode input as base64'),
    context: optionalBase64(item['context'], 'context'),
    hashAlgorithm: hashAlgorithmOf(d),
    // ed25519 signs the message itself; prehashing means nothing to it.
    prehashed: d.values.prehashed && TRAITS[policy.type].hashesSignatureInput,
    signatureAlgorithm: d.values.signature_algorithm,
    marshaling: parseMarshaling(d.values.marshaling_algorithm),
    saltLength: parseSaltLength(d.values.salt_length),
  };
}

async function signHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof SIGN_FIELDS>): Promise<Response> {
  hashAlgorithmOf(d);
  parseMarshaling(d.values.marshaling_algorithm);
  const policy = await signingKey(ctx, req, d, 'signing');
  // A missing input signs the empty string, as in Vault.
  const { items, batch } = batchItems(d, { input: d.values.input, context: d.values.context, key_version: d.values.key_version });
  const results = await runItems(items, (item) => {
    const result = signInput(policy, itemInt(item, 'key_version') || d.values.key_version, itemOptions(policy, d, item));
    return { signature: result.signature, key_version: result.version, ...(result.publicKey ? { public_key: result.publicKey } : {}) };
  });
  return batchResponse(results, batch);
}

async function verifyHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof VERIFY_FIELDS>): Promise<Response> {
  const { items, batch } = batchItems(d, { input: d.values.input, context: d.values.context, signature: d.has('signature') ? d.values.signature : undefined, hmac: d.has('hmac') ? d.values.hmac : undefined });
  const kind = verificationKind(items, batch);
  hashAlgorithmOf(d);
  parseMarshaling(d.values.marshaling_algorithm);
  const policy = kind === 'hmac' ? await requireKey(ctx, req.storage, d.values.name) : await signingKey(ctx, req, d, 'verification');
  const results = await runItems(items, (item) => {
    if (kind === 'hmac') {
      const input = decodeBase64(itemString(item, 'input'), 'unable to decode input as base64');
      return { valid: verifyHmac(policy, hashAlgorithmOf(d), input, itemString(item, 'hmac')) };
    }
    return { valid: verifySignature(policy, itemString(item, 'signature'), itemOptions(policy, d, item)) };
  });
  return batchResponse(results, batch);
}

/** Every item checks a signature, or every item an HMAC; Vault refuses a mix. */
function verificationKind(items: BatchItem[], batch: boolean): 'signature' | 'hmac' {
  const has = (item: BatchItem, field: string) => item[field] !== undefined && item[field] !== null;
  const signatures = items.filter((item) => has(item, 'signature')).length;
  const hmacs = items.filter((item) => !has(item, 'signature') && has(item, 'hmac')).length;
  const missing = items.length - signatures - hmacs;
  if (!batch) {
    if (has(items[0]!, 'signature') && has(items[0]!, 'hmac')) throw invalidRequest("provide one of 'signature' or 'hmac'");
    if (missing > 0) throw invalidRequest("neither a 'signature' nor an 'hmac' were given to verify");
  }
  if (signatures > 0 && hmacs > 0) throw invalidRequest("elements of batch_input must all provide 'signature' or all provide 'hmac'");
  if (missing > 0 && signatures > 0) throw invalidRequest("some elements of batch_input are missing 'signature'");
  if (missing > 0 && hmacs > 0) throw invalidRequest("some elements of batch_input are missing 'hmac'");
  if (missing > 0) throw invalidRequest("no batch_input elements have 'signature' or 'hmac'");
  return signatures > 0 ? 'signature' : 'hmac';
}
