// Log lines in the shape Vault Agent prints them (hclog):
//   2026-01-02T03:04:05.678Z [INFO]  agent.auth.handler: authenticating
// Messages never carry tokens or secret values; only paths, names and reasons.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export function parseLogLevel(text: string | undefined): LogLevel {
  const word = (text ?? 'info').trim().toLowerCase();
  const aliases: Record<string, LogLevel> = { warning: 'warn', err: 'error', notice: 'info' };
  const level = (aliases[word] ?? word) as LogLevel;
  if (!ORDER.includes(level)) throw new Error(`unknown log level ${JSON.stringify(text)}; use trace, debug, info, warn or error`);
  return level;
}

export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly name: string,
    private readonly write: (line: string) => void,
  ) {}

  named(sub: string): Logger {
    return new Logger(this.level, this.name ? `${this.name}.${sub}` : sub, this.write);
  }

  enabled(level: LogLevel): boolean {
    return ORDER.indexOf(level) >= ORDER.indexOf(this.level);
  }

  private log(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    const tag = `[${level.toUpperCase()}]`.padEnd(7);
    const extra = Object.entries(fields)
      .map(([k, v]) => ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
      .join('');
    this.write(`${new Date().toISOString()} ${tag} ${this.name}: ${message}${extra}`);
  }

  trace(message: string, fields: Record<string, unknown> = {}): void {
    this.log('trace', message, fields);
  }
  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.log('error', message, fields);
  }
}
