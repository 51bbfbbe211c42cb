// Everything a command touches outside itself, passed in so tests can run
// commands in-process with captured output and a fake environment.
import { homedir } from 'node:os';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    homeDir: homedir(),
    cwd: process.cwd(),
  };
}
