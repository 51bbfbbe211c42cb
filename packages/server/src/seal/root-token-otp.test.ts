import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CofferError } from '@coffer/sdk';
import { decodeRootToken, encodeRootToken, generateOtp, ROOT_TOKEN_OTP_LENGTH } from './root-token-otp.js';

test('OTPs are base62 of the root-token length', () => {
  assert.equal(ROOT_TOKEN_OTP_LENGTH, 28);
  const otps = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const otp = generateOtp();
    assert.match(otp, /^[0-9A-Za-z]{28}$/);
    otps.add(otp);
  }
  assert.equal(otps.size, 20);
});

test('encoding is XOR then unpadded base64, and decodes back', () => {
  // 'a' (0x61) XOR 'b' (0x62) = 0x03 → base64 "Aw==" without padding
  assert.equal(encodeRootToken('a', 'b'), 'Aw');
  assert.equal(decodeRootToken('Aw', 'b'), 'a');
  assert.equal(decodeRootToken('Aw==', 'b'), 'a', 'padded input is accepted too');
  const token = 'hvs.abcdefghijklmnopqrstuvwx';
  const otp = generateOtp();
  const encoded = encodeRootToken(token, otp);
  assert.doesNotMatch(encoded, /=/);
  assert.equal(decodeRootToken(encoded, otp), token);
});

test('mismatched lengths and bad base64 are 400s', () => {
  assert.throws(() => encodeRootToken('hvs.short', generateOtp()), (err: unknown) => err instanceof CofferError && err.code === 'invalid_request');
  assert.throws(() => decodeRootToken('Aw', 'bb'), (err: unknown) => err instanceof CofferError && /same length/.test(err.message));
  assert.throws(() => decodeRootToken('not*base64', 'b'), (err: unknown) => err instanceof CofferError && /base64/.test(err.message));
});
