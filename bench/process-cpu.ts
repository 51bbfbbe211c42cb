import { readFileSync } from 'node:fs';

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
