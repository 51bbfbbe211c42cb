// A real `coffer server` process with a TLS listener (its own self-signed
// certificate for 127.0.0.1), initialised and unsealed, for tests and
// benchmarks of TLS client certificates.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate } from './certificates.js';
import { COFFER_BIN, freePort } from './coffer-process.js';
import { httpsCall, type HttpsAnswer } from './https-call.js';

export interface TlsServerProcess {
  /** https://127.0.0.1:PORT */
  address: string;
  rootToken: string;
  /** Path of the server's certificate (what clients trust: VAULT_CACERT, ca_cert). */
  caFile: string;
  caPem: string;
  child: ChildProcess;
  /** A request as root (or with `token`), without a client certificate. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<HttpsAnswer>;
  stop(): Promise<void>;
}

/** Writes its files into `dir` (which the caller removes); `listenerExtra` goes into the listener stanza. */
export async function startTlsServerProcess(dir: string, opts: { listenerExtra?: string; storage?: string } = {}): Promise<TlsServerProcess> {
  const port = await freePort();
  const server = await selfSignedCertificate();
  const caFile = join(dir, 'server.pem');
  writeFileSync(caFile, server.cert);
  writeFileSync(join(dir, 'server-key.pem'), server.key, { mode: 0o600 });
  const config = join(dir, 'coffer.hcl');
  writeFileSync(
    config,
    `${opts.storage ?? 'storage "inmem" {}'}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_cert_file = "${caFile}"\n` +
      `  tls_key_file = "${join(dir, 'server-key.pem')}"\n${opts.listenerExtra ?? ''}\n}\nui = false\nlog_level = "warn"\n`,
  );
  const child = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${config}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const address = `https://127.0.0.1:${port}`;
  let rootToken = '';
  const call = (method: string, path: string, body?: unknown, token?: string): Promise<HttpsAnswer> =>
    httpsCall(address, method, path, { ca: server.cert, ...(body !== undefined ? { body } : {}), token: token ?? rootToken });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  try {
    for (let i = 0; ; i++) {
      try {
        await call('GET', 'sys/seal-status');
        break;
      } catch (err) {
        if (child.exitCode !== null || i > 300) throw new Error(`coffer server did not start: ${(err as Error).message}\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const init = await call('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
    if (init.status !== 200) throw new Error(`sys/init: ${init.status} ${JSON.stringify(init.body)}`);
    const unseal = await call('PUT', 'sys/unseal', { key: init.body.keys[0] });
    if (unseal.status !== 200 || unseal.body.sealed) throw new Error(`sys/unseal: ${unseal.status} ${JSON.stringify(unseal.body)}`);
    rootToken = init.body.root_token;
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, rootToken, caFile, caPem: server.cert, child, call, stop };
}
