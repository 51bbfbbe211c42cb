// Test helpers: run the CLI in-process with captured output, a fake stdin,
// a temporary home directory and a controlled environment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { InStream, Io, OutStream } from '../cli/io.js';
import { run } from '../cli/run.js';

export class CapturedStream implements OutStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  home: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  home?: string;
  cwd?: string;
  tty?: boolean;
}

export function tempDir(prefix = 'coffer-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function fakeIo(options: CliOptions = {}): Io & { stdout: CapturedStream; stderr: CapturedStream } {
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]) as unknown as InStream;
  const home = options.home ?? tempDir();
  return {
    stdout: new CapturedStream(options.tty ?? false),
    stderr: new CapturedStream(options.tty ?? false),
    stdin,
    env: { ...(options.env ?? {}) },
    homeDir: home,
    cwd: options.cwd ?? home,
  };
}

/** Runs `coffer <args>` in-process. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const io = fakeIo(options);
  const code = await run(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, home: io.homeDir };
}
