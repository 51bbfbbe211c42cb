// Shared by the plugin-runtime tests: build the fixture plugins into
// single-file executables, write small misbehaving "plugins", record logs.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@coffer/sdk';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../../..');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Bundles a fixture with scripts/build-plugin.mjs, as a plugin author would, and returns the executable's path. */
export function buildFixture(name: 'fixture-backend' | 'fixture-database', outDir: string): string {
  const out = join(outDir, name);
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-plugin.mjs'), join(here, `${name}.ts`), out], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

/** Writes an executable shell script (a "plugin" that misbehaves in some way). */
export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export interface LogRecord {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  bindings: Record<string, unknown>;
  fields: Record<string, unknown>;
  msg: string;
}

/** A Logger that keeps every record, with the bindings of the child it came from. */
export function recordingLogger(): { logger: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogRecord['level']) =>
      (obj: unknown, msg?: string): void => {
        const fields = typeof obj === 'object' && obj !== null ? { ...(obj as Record<string, unknown>) } : {};
        records.push({ level, bindings, fields, msg: msg ?? (typeof obj === 'string' ? obj : '') });
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), records, text: () => JSON.stringify(records) };
}

/** Waits (without asserting anything about time) until `check` holds; fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
