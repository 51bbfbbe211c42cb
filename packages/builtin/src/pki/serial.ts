import { randomBytes } from 'node:crypto';
import { CofferError } from '@coffer/sdk';

/**
 * Certificate serial numbers. Vault shows them as lower-case colon-separated
 * hex pairs ("1f:0a:…") and keys its storage by the hyphenated form; both
 * forms are accepted on input.
 */

/** A random positive 159-bit serial (20 bytes, top bit clear, first byte non-zero so the width never shrinks). */
export function newSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/** "0a1b2c" → "0a:1b:2c". */
export function colonSerial(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return even.toLowerCase().match(/../g)!.join(':');
}

/** The storage form: hyphen-separated hex pairs. */
export function storageSerial(hex: string): string {
  return colonSerial(hex).replace(/:/g, '-');
}

/**
 * Normalises a serial sent by a client ("1F:0A", "1f-0a", "1f0a") to bare
 * lower-case hex, refusing anything else.
 */
export function parseSerial(input: string): string {
  const hex = input.trim().toLowerCase().replace(/[:-]/g, '');
  if (hex === '' || !/^[0-9a-f]+$/.test(hex)) {
    throw new CofferError('invalid_request', `invalid serial number "${input}": expected hex pairs separated by ":" or "-"`);
  }
  // Leading zero bytes are not part of an INTEGER's value.
  return hex.replace(/^(00)+(?=..)/, '');
}
