// A throwaway etcd for one test file: /usr/bin/etcd (Debian's etcd-server)
// on free loopback ports with a temp data dir, killed and removed after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './coffer-process.js';
import { findTool, skipWithoutTools } from './external-tools.js';

export const ETCD_BIN = '/usr/bin/etcd';

export interface EtcdInstance {
  /** The client URL, e.g. http://127.0.0.1:41234 (https when started with TLS). */
  endpoint: string;
  dataDir: string;
  /** Everything etcd printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
  /** Kills etcd (SIGKILL), waits `downMs`, and starts it again on the same ports and data. */
  restart(downMs?: number): Promise<void>;
}

export interface EtcdTls {
  certFile: string;
  keyFile: string;
  /** Also require client certificates signed by this CA. */
  clientCaFile?: string;
}

/** The `skip` option for tests that need etcd: a reason when it is not installed, false under CI=true (so they fail). */
export function skipWithoutEtcd(): string | false {
  return skipWithoutTools([ETCD_BIN], 'etcd-server');
}

/** Fails a suite that runs without etcd (that is, under CI=true), naming what is missing. */
export function failWithoutEtcd(): void {
  if (findTool(ETCD_BIN) === undefined) throw new Error(`CI=true: ${ETCD_BIN} is not installed (Debian package etcd-server)`);
}

export async function startEtcdInstance(opts: { tls?: EtcdTls } = {}): Promise<EtcdInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = opts.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'coffer-test',
    '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `coffer-test=${peer}`,
    // Tests compact on purpose; no background compaction or snapshots in the way.
    '--snapshot-count', '1000000',
  ];
  if (opts.tls) {
    args.push('--cert-file', opts.tls.certFile, '--key-file', opts.tls.keyFile);
    if (opts.tls.clientCaFile) args.push('--client-cert-auth', '--trusted-ca-file', opts.tls.clientCaFile);
  }
  let child: ChildProcess;
  let out = '';
  let exited: Promise<void>;
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const launch = async (): Promise<void> => {
    out = '';
    child = spawn(ETCD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // etcd prints "ready to serve client requests" once the client port answers.
    const deadline = Date.now() + 20_000;
    while (!/ready to serve client requests/.test(out)) {
      if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`etcd did not start within 20s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint,
    dataDir: join(dir, 'data'),
    output: () => out,
    stop,
    async restart(downMs = 0) {
      await kill();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
  };
}
