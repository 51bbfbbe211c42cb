import type { Logger } from '../logger.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

/**
 * A logger for plugin processes: one JSON object a line on stderr
 * (`{"level":"info","time":"…","msg":"…",…fields}`), which the server parses
 * and re-logs under the plugin's name. Plain text lines work too; they are
 * logged as they are.
 */
export function createStderrLogger(
  options: { level?: LogLevel; bindings?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const threshold = LEVELS[options.level ?? 'info'] ?? LEVELS.info;
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const bindings = options.bindings ?? {};

  const emit = (level: LogLevel) => (obj: unknown, msg?: string) => {
    if (LEVELS[level] < threshold) return;
    const fields: Record<string, unknown> = {};
    let message = msg;
    if (typeof obj === 'string' && msg === undefined) message = obj;
    else if (obj instanceof Error) fields.err = { message: obj.message, stack: obj.stack };
    else if (typeof obj === 'object' && obj !== null) Object.assign(fields, obj);
    if (fields.err instanceof Error) fields.err = { message: fields.err.message, stack: fields.err.stack };
    const record = { level, time: new Date().toISOString(), ...bindings, ...fields, msg: message ?? '' };
    write(`${safeStringify(record)}\n`);
  };

  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (more) => createStderrLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify({ level: 'error', msg: 'unserializable log record' });
  }
}

/** The level named by the environment, if it is a known one. */
export function logLevelFrom(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in LEVELS ? (value as LogLevel) : undefined;
}
