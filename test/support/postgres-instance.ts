import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './coffer-process.js';

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster on loopback that checks passwords (scram-sha-256), unlike the machine's trust setup. */
export interface PostgresInstance {
  port: number;
  /** The superuser "postgres" and its password. */
  superuserPassword: string;
  url(user?: string, password?: string): string;
  /** Stops the server (fast mode): the database is "down". */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL server binaries are not installed (/usr/lib/postgresql)');
  const version = readdirSync(root).sort().pop();
  if (!version) throw new Error('no PostgreSQL version under /usr/lib/postgresql');
  return join(root, version, 'bin');
}

/**
 * initdb + pg_ctl in a temp dir on a free port. PostgreSQL refuses to run
 * as root, so under root the cluster runs as the "postgres" system user.
 */
export async function startPostgresInstance(): Promise<PostgresInstance> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-pg-'));
  const data = join(dir, 'data');
  const superuserPassword = 'throwaway-superuser-pw';
  const asRoot = userInfo().uid === 0;
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'pwfile'), superuserPassword);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pwfile'), uid, gid);
  }
  const exec = (file: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, file), ...args]) : run(join(bin, file), args));
  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${join(dir, 'pwfile')}`, '--no-sync']);
  const port = await freePort();
  const start = async (): Promise<void> => {
    await exec('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  };
  const stop = async (): Promise<void> => {
    await exec('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']).catch(() => undefined);
  };
  await start();
  return {
    port,
    superuserPassword,
    url: (user = 'postgres', password = superuserPassword) => `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
