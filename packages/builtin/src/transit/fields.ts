import { invalidRequest } from '@coffer/sdk';
import type { FieldSchema } from '@coffer/sdk';
import { decodeBase64 } from './versioned-value.js';

/** Vault's name pattern for keys: word characters, with dashes and dots inside. */
export const NAME = '(?<name>\\w(?:[\\w.-]*\\w)?)';

export const nameField = { type: 'string', description: 'Name of the key.' } satisfies FieldSchema;

export const contextField = {
  type: 'string',
  description: 'Base64-encoded context for key derivation; required when the key is derived.',
} satisfies FieldSchema;

export const keyVersionField = {
  type: 'int',
  description: 'Version of the key to use; 0 or absent uses the latest version.',
} satisfies FieldSchema;

/** Decrypting requests take "nonce" as Vault does, but the nonce is read from the ciphertext. */
export const ciphertextNonceField = {
  type: 'string',
  description: 'Accepted for compatibility; nonces travel inside the ciphertext.',
} satisfies FieldSchema;

export const batchInputField = {
  type: 'slice',
  description: 'A list of items, each with the fields of a single request; the answer is "batch_results" in the same order.',
} satisfies FieldSchema;

export const partialFailureField = {
  type: 'int',
  description: 'HTTP status of a batch in which some items failed (400 unless set).',
} satisfies FieldSchema;

/** An optional base64 field: undefined when absent or empty; a 400 when malformed. */
export function optionalBase64(value: unknown, field: string): Buffer | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${field} must be a base64 string`);
  return decodeBase64(value, `failed to base64-decode ${field}`);
}
