// The SSH engine's certificates against a real OpenSSH server: a throwaway
// sshd on a loopback port trusts Coffer's CA (TrustedUserCAKeys), presents a
// host certificate Coffer signed, accepts a login with a user certificate
// signed through `coffer write ssh/sign/<role> public_key=@key.pub` (and with a
// key pair from issue/<role>), and refuses an expired or foreign certificate.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, runCli, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { skipWithoutTools } from '../support/external-tools.js';

const SSHD = '/usr/sbin/sshd';
const notRoot = process.getuid?.() !== 0 && process.env['CI'] !== 'true' ? 'sshd needs root here (its privilege separation directory and user); skipping' : false;
const skip = skipWithoutTools([SSHD, 'ssh', 'ssh-keygen'], 'openssh-server') || notRoot;
const user = userInfo().username;

let coffer: CofferProcess;
let sshd: ChildProcess | undefined;
let sshdLog = '';
let dir: string;
let env: NodeJS.ProcessEnv;
let sshPort: number;

async function cli(args: string[], input?: string): Promise<string> {
  const r = await runCli(args, env, input);
  assert.equal(r.code, 0, `coffer ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (sshd?.exitCode !== null && sshd?.exitCode !== undefined) throw new Error(`sshd exited:\n${sshdLog}`);
    if (Date.now() > until) throw new Error(`sshd did not listen within ${deadlineMs}ms:\n${sshdLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** sshd's log reaches us a moment after the client returns: wait for a line. */
async function waitForLog(pattern: RegExp, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!pattern.test(sshdLog)) {
    if (Date.now() > until) assert.fail(`sshd never logged ${pattern}:\n${sshdLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Signs a fresh user key through the CLI and returns the key's path (certificate beside it as <path>-cert.pub). */
async function userKeyWithCertificate(name: string, extraArgs: string[] = []): Promise<string> {
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const signed = await cli(['write', '-field=signed_key', 'ssh/sign/login', `public_key=@${key}.pub`, ...extraArgs]);
  writeFileSync(`${key}-cert.pub`, signed);
  return key;
}

/** `ssh` in batch mode with only the given key and certificate, checking the host certificate. */
function sshLogin(key: string): { code: number; stdout: string; stderr: string } {
  const args = [
    '-F', '/dev/null',
    '-i', key,
    '-o', `CertificateFile=${key}-cert.pub`,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=10',
    '-p', String(sshPort),
    `${user}@127.0.0.1`,
    'echo coffer-login-ok',
  ];
  try {
    return { code: 0, stdout: execFileSync('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString(), stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stdout: Buffer; stderr: Buffer };
    return { code: e.status ?? 1, stdout: e.stdout.toString(), stderr: e.stderr.toString() };
  }
}

describe('sshd trusts certificates signed by Coffer', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-sshd-'));
    const port = await freePort();
    coffer = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=ssh-root'], port, { HOME: dir });
    env = { HOME: dir, VAULT_ADDR: coffer.address, VAULT_TOKEN: 'ssh-root' };

    await cli(['secrets', 'enable', 'ssh']);
    // The default CA key: RSA 4096, signing with rsa-sha2-256 (OpenSSH refuses SHA-1 CA signatures).
    await cli(['write', 'ssh/config/ca', 'generate_signing_key=true']);
    // The CA public key is served without a token, as sshd setups fetch it.
    const res = await fetch(`${coffer.address}/v1/ssh/public_key`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const caPublicKey = await res.text();
    assert.match(caPublicKey, /^ssh-rsa AAAA\S+\n$/);
    writeFileSync(join(dir, 'ca.pub'), caPublicKey);

    await cli(['write', 'ssh/roles/login', '-'], JSON.stringify({
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: user,
      default_user: user,
      default_extensions: { 'permit-pty': '' },
      ttl: '5m',
    }));
    await cli(['write', 'ssh/roles/host', 'key_type=ca', 'allow_host_certificates=true', 'allowed_domains=127.0.0.1', 'allow_bare_domains=true']);

    // The server's host key, certified by the same CA; the client trusts the CA for this host only.
    const hostKey = join(dir, 'host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const hostCert = await cli(['write', '-field=signed_key', 'ssh/sign/host', 'cert_type=host', 'valid_principals=127.0.0.1', `public_key=@${hostKey}.pub`]);
    writeFileSync(`${hostKey}-cert.pub`, hostCert);

    sshPort = await freePort();
    writeFileSync(join(dir, 'known_hosts'), `@cert-authority [127.0.0.1]:${sshPort} ${caPublicKey}`);
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${sshPort}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `HostCertificate ${hostKey}-cert.pub`,
        `TrustedUserCAKeys ${join(dir, 'ca.pub')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'AuthorizedKeysFile none',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        'StrictModes no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    // sshd insists on its privilege separation directory.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr!.on('data', (d: Buffer) => (sshdLog += d.toString()));
    await waitForPort(sshPort, 15_000);
  });

  after(async () => {
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd!.once('exit', r));
      sshd.kill('SIGTERM');
      await exited;
    }
    await coffer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a login with a user certificate signed by Coffer, over a host certificate signed by Coffer', async () => {
    const key = await userKeyWithCertificate('alice');
    const r = sshLogin(key);
    assert.equal(r.code, 0, `ssh failed: ${r.stderr}\nsshd:\n${sshdLog}`);
    assert.equal(r.stdout.trim(), 'coffer-login-ok');
    await waitForLog(/Accepted publickey for \S+ from 127\.0\.0\.1 .*ED25519-CERT SHA256:\S+ ID vault-root-[0-9a-f]{64} \(serial \d+\) CA RSA/);
  });

  it('accepts a login with a key pair and certificate from issue/ (ssh reads the OpenSSH private key Coffer wrote)', async () => {
    const issued = JSON.parse(await cli(['write', '-format=json', 'ssh/issue/login', 'key_type=ed25519']));
    const key = join(dir, 'issued');
    writeFileSync(key, issued.data.private_key, { mode: 0o600 });
    writeFileSync(`${key}-cert.pub`, issued.data.signed_key);
    const r = sshLogin(key);
    assert.equal(r.code, 0, `ssh failed: ${r.stderr}\nsshd:\n${sshdLog}`);
    assert.equal(r.stdout.trim(), 'coffer-login-ok');
  });

  it('refuses an expired certificate', async () => {
    const key = await userKeyWithCertificate('expired', ['ttl=1s']);
    // The certificate is valid for one second after signing; wait it out.
    await new Promise((r) => setTimeout(r, 2500));
    const r = sshLogin(key);
    assert.equal(r.code, 255, `an expired certificate logged in: ${r.stdout}`);
    assert.match(r.stderr, /Permission denied \(publickey\)/);
    await waitForLog(/[Cc]ertificate invalid: expired/);
  });

  it('refuses a certificate from another CA', async () => {
    await cli(['secrets', 'enable', '-path=other-ssh', 'ssh']);
    await cli(['write', 'other-ssh/config/ca', 'key_type=ed25519']);
    await cli(['write', 'other-ssh/roles/login', 'key_type=ca', 'allow_user_certificates=true', `allowed_users=${user}`, `default_user=${user}`]);
    const key = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    writeFileSync(`${key}-cert.pub`, await cli(['write', '-field=signed_key', 'other-ssh/sign/login', `public_key=@${key}.pub`]));
    const r = sshLogin(key);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /Permission denied \(publickey\)/);
  });
});
