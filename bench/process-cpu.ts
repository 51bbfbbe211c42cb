import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (Linux: 100 everywhere this runs). */
const CLOCK_TICKS = 100;

/**
 * CPU time (user + system) a process has used so far, in microseconds, from
 * /proc/<pid>/stat: the server's own figure, which holds however busy the
 * machine is. Undefined where /proc is missing (not Linux).
 */
export function processCpuMicros(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS;
}

/** CPU time (user + system, ms) a process has used so far; 0 when it is gone or not on Linux. */
export function processCpuMs(pid: number): number {
  return (processCpuMicros(pid) ?? 0) / 1000;
}

/** The direct children of a process (the plugin processes of a server). */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) pids.push(...text.split(' ').map(Number));
    }
  } catch {
    // not Linux, or the process is gone
  }
  return pids;
}

/** CPU ms of the server and, separately, of all its child processes. */
export function serverAndChildrenCpuMs(serverPid: number): { server: number; children: number } {
  return { server: processCpuMs(serverPid), children: childPids(serverPid).reduce((sum, pid) => sum + processCpuMs(pid), 0) };
}
