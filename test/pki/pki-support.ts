// Helpers for the PKI tests: temp files for openssl, and a mounted PKI engine with a root CA.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { InProcessServer } from '@coffer/server/testing/in-process-server.js';

/**
 * The PKI tests prove their certificates with openssl. Without it they skip with
 * this message, except under CI=true, where they run and fail.
 */
export const OPENSSL_SKIP: string | false =
  spawnSync('openssl', ['version']).error !== undefined && process.env['CI'] !== 'true' ? 'openssl is not installed (apt-get install openssl); skipping' : false;

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-pki-'));
}

/** Writes `content` to `name` in `dir` and returns the path. */
export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Runs openssl, returning stdout+stderr; throws with the output when it fails. */
export function openssl(args: string[], input?: Buffer): string {
  try {
    return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`openssl ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * openssl's stdout and stderr together (its verification verdicts go to stderr), run
 * asynchronously: `openssl ocsp -url` talks to the in-process server, whose event loop must keep running.
 */
export function opensslAll(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('openssl', args, { encoding: 'utf8', timeout: 30_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

export async function ok(server: InProcessServer, method: string, p: string, body?: unknown): Promise<any> {
  const res = await server.request(method, p, body);
  assert.ok(res.status === 200 || res.status === 204, `${method} ${p} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Mounts a PKI engine at `mount` with an EC root CA and returns the root certificate. */
export async function mountWithRoot(server: InProcessServer, mount: string, commonName: string): Promise<string> {
  await ok(server, 'POST', `sys/mounts/${mount}`, { type: 'pki' });
  const root = await ok(server, 'POST', `${mount}/root/generate/internal`, { common_name: commonName, key_type: 'ec', issuer_name: 'root' });
  return root.data.certificate as string;
}
