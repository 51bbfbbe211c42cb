// The OpenSSH certificate encoder checked by OpenSSH itself: ssh-keygen -L
// parses each certificate (verifying the CA signature) and prints its fields.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { skipWithoutTools } from '../../../../test/support/external-tools.js';
import { signCertificate } from './certificate.js';
import { generateCaKey } from './private-key.js';
import { authorizedKeyLine, parsePublicKeyText, sshPublicKeyOf } from './public-key.js';

const skip = skipWithoutTools(['ssh-keygen'], 'openssh-client');
const dir = mkdtempSync(join(tmpdir(), 'coffer-ssh-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh user key made by ssh-keygen, as a user would bring it. */
function userKey(type: string, name: string): string {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'someone@example', '-f', path]);
  return path;
}

function fingerprint(path: string): string {
  return execFileSync('ssh-keygen', ['-l', '-f', path]).toString().split(' ')[1]!;
}

function describeCert(line: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, line);
  return execFileSync('ssh-keygen', ['-L', '-f', path]).toString();
}

const cases = [
  { ca: 'ssh-ed25519', subject: 'ed25519', rsaAlgorithm: undefined, using: 'ssh-ed25519' },
  { ca: 'ecdsa-sha2-nistp256', subject: 'rsa', rsaAlgorithm: undefined, using: 'ecdsa-sha2-nistp256' },
  { ca: 'ecdsa-sha2-nistp521', subject: 'ecdsa', rsaAlgorithm: undefined, using: 'ecdsa-sha2-nistp521' },
  { ca: 'ssh-rsa', subject: 'ecdsa', rsaAlgorithm: undefined, using: 'rsa-sha2-256' },
  { ca: 'ssh-rsa', subject: 'ed25519', rsaAlgorithm: 'rsa-sha2-512', using: 'rsa-sha2-512' },
  // SHA-1, for old servers: ssh-keygen still reads it (sshd 8.8+ refuses it unless CASignatureAlgorithms allows it).
  { ca: 'ssh-rsa', subject: 'rsa', rsaAlgorithm: 'ssh-rsa', using: 'ssh-rsa' },
];

describe('OpenSSH certificates read back by ssh-keygen -L', { skip }, () => {
  for (const c of cases) {
    it(`${c.subject} key signed by a ${c.ca} CA (${c.using})`, async () => {
      const ca = await generateCaKey(c.ca, c.ca === 'ssh-rsa' ? 2048 : 0);
      const caPath = join(dir, `ca-${c.ca}-${c.subject}.pub`);
      const caPublic = sshPublicKeyOf(ca);
      writeFileSync(caPath, authorizedKeyLine(caPublic.algorithm, caPublic.blob));
      const keyPath = userKey(c.subject, `user-${c.ca}-${c.subject}`);
      const subject = parsePublicKeyText(readFileSync(`${keyPath}.pub`, 'utf8'));

      const cert = signCertificate(
        {
          subject,
          serial: 0xfedcba9876543210n,
          type: 'user',
          keyId: 'vault-root-abc',
          principals: ['alice', 'bob'],
          validAfter: 1_700_000_000,
          validBefore: 1_900_000_000,
          criticalOptions: { 'source-address': '127.0.0.1/32', 'force-command': '/bin/true' },
          extensions: { 'permit-pty': '', 'permit-agent-forwarding': '' },
        },
        ca,
        c.rsaAlgorithm,
      );
      const out = describeCert(authorizedKeyLine(cert.algorithm, cert.blob), `cert-${c.ca}-${c.subject}.pub`);

      assert.match(out, new RegExp(`Type: ${cert.algorithm.replace(/[.]/g, '\\.')} user certificate`));
      assert.ok(out.includes(`Public key: `) && out.includes(fingerprint(`${keyPath}.pub`)), out);
      assert.ok(out.includes(`Signing CA: `) && out.includes(fingerprint(caPath)), out);
      assert.match(out, new RegExp(`\\(using ${c.using}\\)`));
      assert.match(out, /Key ID: "vault-root-abc"/);
      assert.match(out, new RegExp(`Serial: ${0xfedcba9876543210n.toString()}`));
      assert.match(out, /Valid: from 2023-11-14T\d\d:\d\d:20 to 2030-03-17T\d\d:\d\d:40/);
      assert.match(out, /Principals: \n\s+alice\n\s+bob\n/);
      assert.match(out, /Critical Options: \n\s+force-command \/bin\/true\n\s+source-address 127\.0\.0\.1\/32\n/);
      assert.match(out, /Extensions: \n\s+permit-agent-forwarding\n\s+permit-pty\n/);
    });
  }

  it('host certificates name hosts', async () => {
    const ca = await generateCaKey('ed25519', 0);
    const keyPath = userKey('ed25519', 'host-key');
    const subject = parsePublicKeyText(readFileSync(`${keyPath}.pub`, 'utf8'));
    const cert = signCertificate(
      { subject, serial: 1n, type: 'host', keyId: 'host', principals: ['web.example.com'], validAfter: 0, validBefore: 2_000_000_000, criticalOptions: {}, extensions: {} },
      ca,
    );
    const out = describeCert(authorizedKeyLine(cert.algorithm, cert.blob), 'host-cert.pub');
    assert.match(out, /ssh-ed25519-cert-v01@openssh\.com host certificate/);
    assert.match(out, /Principals: \n\s+web\.example\.com\n/);
    assert.match(out, /Critical Options: \(none\)/);
  });

  it('a tampered certificate is refused by ssh-keygen', async () => {
    const ca = await generateCaKey('ed25519', 0);
    const subject = parsePublicKeyText(readFileSync(`${userKey('ed25519', 'tamper')}.pub`, 'utf8'));
    const cert = signCertificate(
      { subject, serial: 7n, type: 'user', keyId: 'k', principals: ['alice'], validAfter: 0, validBefore: 2_000_000_000, criticalOptions: {}, extensions: {} },
      ca,
    );
    const blob = Buffer.from(cert.blob);
    // Turn "alice" into "blice": the signature no longer covers the body.
    const at = blob.indexOf(Buffer.from('alice'));
    blob[at] = 'b'.charCodeAt(0);
    assert.throws(() => describeCert(authorizedKeyLine(cert.algorithm, blob), 'tampered-cert.pub'));
  });
});
