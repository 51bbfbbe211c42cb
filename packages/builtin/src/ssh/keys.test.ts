// Reading the keys users and operators bring: public keys in authorized_keys
// form and CA private keys as ssh-keygen writes them (OpenSSH and PEM).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { skipWithoutTools } from '../../../../test/support/external-tools.js';
import { generateCaKey, parsePrivateKeyText, PrivateKeyError } from './private-key.js';
import { authorizedKeyLine, parsePublicKeyText, PublicKeyError, sshPublicKeyOf } from './public-key.js';

const skip = skipWithoutTools(['ssh-keygen'], 'openssh-client');
const dir = mkdtempSync(join(tmpdir(), 'coffer-ssh-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, args: string[]): { privateText: string; publicText: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-N', '', '-C', 'c', '-f', path, ...args]);
  return { privateText: readFileSync(path, 'utf8'), publicText: readFileSync(`${path}.pub`, 'utf8') };
}

describe('keys from ssh-keygen', { skip }, () => {
  const kinds = [
    { name: 'ed25519', args: ['-t', 'ed25519'], algorithm: 'ssh-ed25519', bits: 256 },
    { name: 'ecdsa-256', args: ['-t', 'ecdsa', '-b', '256'], algorithm: 'ecdsa-sha2-nistp256', bits: 256 },
    { name: 'ecdsa-384', args: ['-t', 'ecdsa', '-b', '384'], algorithm: 'ecdsa-sha2-nistp384', bits: 384 },
    { name: 'ecdsa-521', args: ['-t', 'ecdsa', '-b', '521'], algorithm: 'ecdsa-sha2-nistp521', bits: 521 },
    { name: 'rsa-3072', args: ['-t', 'rsa', '-b', '3072'], algorithm: 'ssh-rsa', bits: 3072 },
  ];
  for (const kind of kinds) {
    it(`${kind.name}: OpenSSH private key and its public key agree`, () => {
      const { privateText, publicText } = keygen(kind.name, kind.args);
      const pub = parsePublicKeyText(publicText);
      assert.equal(pub.algorithm, kind.algorithm);
      assert.equal(pub.bits, kind.bits);
      const derived = sshPublicKeyOf(parsePrivateKeyText(privateText));
      assert.ok(derived.blob.equals(pub.blob));
      // Our authorized_keys line is ssh-keygen's without the comment.
      assert.equal(authorizedKeyLine(derived.algorithm, derived.blob), `${publicText.split(' ').slice(0, 2).join(' ')}\n`);
    });
  }

  it('PEM (PKCS#1 and SEC 1) private keys are read too', () => {
    for (const args of [['-t', 'rsa', '-b', '2048', '-m', 'PEM'], ['-t', 'ecdsa', '-m', 'PEM']]) {
      const { privateText, publicText } = keygen(`pem-${args[1]}`, args);
      assert.match(privateText, /BEGIN (RSA|EC) PRIVATE KEY/);
      assert.ok(sshPublicKeyOf(parsePrivateKeyText(privateText)).blob.equals(parsePublicKeyText(publicText).blob));
    }
  });

  it('a passphrase-protected key is refused with a clear reason', () => {
    const path = join(dir, 'locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-passphrase', '-f', path]);
    assert.throws(() => parsePrivateKeyText(readFileSync(path, 'utf8')), (e: unknown) => e instanceof PrivateKeyError && /encrypted/.test(e.message));
  });
});

describe('public key parsing', () => {
  const ed = sshPublicKeyOf(generateKeyPairSync('ed25519').privateKey);
  const line = authorizedKeyLine(ed.algorithm, ed.blob);

  it('takes a full line, a line with a comment, or only the base64 part', () => {
    assert.ok(parsePublicKeyText(line).blob.equals(ed.blob));
    assert.ok(parsePublicKeyText(`${line.trim()} alice@laptop`).blob.equals(ed.blob));
    assert.ok(parsePublicKeyText(ed.blob.toString('base64')).blob.equals(ed.blob));
  });

  it('refuses garbage, a wrong type name, truncated keys and unsupported types', () => {
    const refused = (text: string, pattern: RegExp): void =>
      assert.throws(() => parsePublicKeyText(text), (e: unknown) => e instanceof PublicKeyError && pattern.test(e.message));
    refused('not a key', /base64|malformed|not a valid/);
    refused(`ssh-rsa ${ed.blob.toString('base64')}`, /does not match/);
    refused(`ssh-ed25519 ${ed.blob.subarray(0, ed.blob.length - 3).toString('base64')}`, /malformed|invalid/);
    refused(`ssh-dss ${Buffer.from('\x00\x00\x00\x07ssh-dss').toString('base64')}`, /unsupported key type/);
  });

  it('refuses an elliptic curve point that is not on the curve', () => {
    const ec = sshPublicKeyOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const bad = Buffer.from(ec.blob);
    bad[bad.length - 1]! ^= 0x01;
    assert.throws(() => parsePublicKeyText(bad.toString('base64')), PublicKeyError);
  });

  it('generation makes each type and refuses weak RSA and unknown types', async () => {
    for (const [type, bits, algorithm] of [['ec', 384, 'ecdsa-sha2-nistp384'], ['ecdsa-sha2-nistp521', 0, 'ecdsa-sha2-nistp521'], ['ssh-ed25519', 0, 'ssh-ed25519'], ['rsa', 2048, 'ssh-rsa']] as const) {
      const key = sshPublicKeyOf(await generateCaKey(type, bits));
      assert.equal(key.algorithm, algorithm);
    }
    await assert.rejects(generateCaKey('rsa', 1024), /refusing to generate weak rsa key: 1024 bits < 2048 bits/);
    await assert.rejects(generateCaKey('ec', 300), /unknown ECDSA key pair algorithm/);
    await assert.rejects(generateCaKey('dsa', 0), /unknown ssh key pair algorithm: dsa/);
  });
});
