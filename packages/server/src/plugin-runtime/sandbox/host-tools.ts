import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The util-linux programs a process runtime is built from: /bin/sh joins
 * the cgroup, prlimit sets rlimits, unshare creates the network namespace,
 * setpriv drops to run_as_user. Each one execs the next, so the plugin ends
 * up with the pid the server spawned, and runs no code of its own before
 * every restriction is in place.
 */
export type SandboxTool = 'sh' | 'prlimit' | 'unshare' | 'setpriv';

const FALLBACK_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of a program (PATH first, then the standard directories), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function sandboxTools(): Partial<Record<SandboxTool, string>> {
  const out: Partial<Record<SandboxTool, string>> = {};
  for (const tool of ['sh', 'prlimit', 'unshare', 'setpriv'] as const) {
    const path = findProgram(tool);
    if (path) out[tool] = path;
  }
  return out;
}

export function serverIsRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface ResolvedUser {
  name: string;
  uid: number;
  gid: number;
}

/** run_as_user as ids: a user name or a numeric uid, looked up with id(1) (so NSS users work too). */
export async function resolveUser(user: string): Promise<ResolvedUser> {
  const lookup = async (flag: '-u' | '-g'): Promise<number> => {
    const { stdout } = await run('id', [flag, '--', user], { timeout: 5000 });
    return Number(stdout.trim());
  };
  try {
    return { name: user, uid: await lookup('-u'), gid: await lookup('-g') };
  } catch (err) {
    if (/^\d+$/.test(user)) return { name: user, uid: Number(user), gid: Number(user) };
    const detail = ((err as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`run_as_user "${user}" is not a user on this host${detail ? ` (${detail})` : ''}`);
  }
}
