import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { deriveSharedKey, dhEncrypt, x25519PublicKey } from './dh-encrypt.js';

function decrypt(envelope: { curve25519_public_key: string; nonce: string; encrypted_payload: string }, key: Buffer, aad: string): string {
  const payload = Buffer.from(envelope.encrypted_payload, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(payload.subarray(-16));
  return Buffer.concat([d.update(payload.subarray(0, -16)), d.final()]).toString('utf8');
}

describe('DH-encrypted sinks', () => {
  const reader = generateKeyPairSync('x25519');
  const readerPub = Buffer.from(reader.publicKey.export({ format: 'jwk' }).x as string, 'base64url');

  for (const deriveKey of [false, true]) {
    it(`the reader decrypts with its private key (derive_key = ${deriveKey})`, () => {
      const envelope = dhEncrypt('hvs.token', readerPub, deriveKey, 'my-aad');
      const theirs = Buffer.from(envelope.curve25519_public_key, 'base64');
      const shared = diffieHellman({ privateKey: reader.privateKey, publicKey: x25519PublicKey(theirs) });
      const key = deriveKey ? deriveSharedKey(shared, readerPub, theirs) : shared;
      assert.equal(decrypt(envelope, key, 'my-aad'), 'hvs.token');
      assert.throws(() => decrypt(envelope, key, 'other-aad'));
    });
  }

  it('the derived key does not depend on which side computes it', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    const secret = Buffer.alloc(32, 9);
    assert.deepEqual(deriveSharedKey(secret, a, b), deriveSharedKey(secret, b, a));
    assert.throws(() => deriveSharedKey(secret, a, a), /same public key/);
  });
});
