import pino from 'pino';
import type { Logger } from '@coffer/sdk';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/** The server's logger: JSON lines (log_format=json) or readable lines (standard) on stderr. */
export function createServerLogger(level = 'info', format: 'json' | 'standard' = 'standard'): Logger {
  const lvl = level.toLowerCase() === 'warning' ? 'warn' : level.toLowerCase();
  if (!LEVELS.has(lvl)) throw new Error(`invalid log level "${level}": use trace, debug, info, warn or error`);
  if (format === 'json') return pino({ level: lvl, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2)) as unknown as Logger;
  // A readable single-line format without pulling in a pretty-printer: "2026-11-25T02:00:00.000Z [INFO]  msg: k=v".
  const stream = {
    write(line: string): void {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const { level: n, time, msg, ...rest } = rec;
        const name = pino.levels.labels[Number(n)] ?? 'info';
        const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
        process.stderr.write(`${String(time)} [${name.toUpperCase()}]${' '.repeat(Math.max(1, 6 - name.length))}${String(msg ?? '')}${fields ? ': ' + fields : ''}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
  return pino({ level: lvl, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream) as unknown as Logger;
}
