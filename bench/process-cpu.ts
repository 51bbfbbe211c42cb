import { readFileSync, readdirSync } from 'node:fs';

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) a process has used so far; 0 when it is gone or not on Linux. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
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
