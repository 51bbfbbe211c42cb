import type { Logger } from '@coffer/sdk';
import type { Readable } from 'node:stream';

/** Longest line kept from a plugin's output; the rest is cut (a plugin must not flood the log). */
export const MAX_LINE = 16 * 1024;

/** Calls `onLine` for every complete line of `stream` (and the unterminated rest at its end). */
export function forEachLine(stream: Readable, onLine: (line: string) => void, initial = ''): void {
  let pending = initial;
  const flush = (final: boolean) => {
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      emit(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
    if (pending.length > MAX_LINE || (final && pending !== '')) {
      emit(pending);
      pending = '';
    }
  };
  const emit = (line: string) => {
    const clean = line.replace(/\r$/, '');
    if (clean !== '') onLine(clean.length > MAX_LINE ? `${clean.slice(0, MAX_LINE)}…` : clean);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    flush(false);
  });
  stream.on('end', () => flush(true));
  if (initial !== '') flush(false);
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const NUMERIC_LEVELS: Array<[number, Level]> = [
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];
const NAMED: Record<string, Level> = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', fatal: 'error' };

/**
 * Logs one line a plugin wrote to stderr. A JSON object with a level and a
 * message (what the SDK's logger and pino write, and close to hclog's JSON)
 * keeps its level and fields; any other line is logged as text at info.
 */
export function logPluginLine(logger: Logger, line: string): void {
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record && typeof record === 'object' && !Array.isArray(record)) {
        const { level, msg, message, time, '@level': hclogLevel, '@message': hclogMessage, '@timestamp': _ts, ...fields } = record;
        void time;
        void _ts;
        const lvl = levelOf(level ?? hclogLevel);
        const text = [msg, message, hclogMessage].find((m) => typeof m === 'string') as string | undefined;
        logger[lvl](fields, text ?? '');
        return;
      }
    } catch {
      // not JSON after all: log it as text
    }
  }
  logger.info({}, line);
}

function levelOf(level: unknown): Level {
  if (typeof level === 'number') return NUMERIC_LEVELS.find(([min]) => level >= min)?.[1] ?? 'info';
  if (typeof level === 'string') return NAMED[level.toLowerCase()] ?? 'info';
  return 'info';
}
