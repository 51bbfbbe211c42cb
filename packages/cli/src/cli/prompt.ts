// Asking for secrets (unseal keys, tokens, passwords). On a terminal the
// typed characters are not echoed; otherwise one line is read from stdin.
import type { Context } from './context.js';

export class PromptCancelled extends Error {
  constructor() {
    super('user canceled');
  }
}

/** Prints the prompt (on stderr) and reads one line without echo. */
export async function promptHidden(ctx: Context, prompt: string): Promise<string> {
  ctx.ui.prompt(prompt);
  const stdin = ctx.io.stdin;
  let value: string;
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') {
    value = await readRawLine(ctx);
  } else {
    value = await readLine(ctx);
  }
  ctx.ui.prompt('\n');
  return value;
}

function readRawLine(ctx: Context): Promise<string> {
  const stdin = ctx.io.stdin;
  return new Promise<string>((resolve, reject) => {
    let value = '';
    stdin.setRawMode!(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (err?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new PromptCancelled());
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads up to the first newline (or end of input) without waiting for EOF. */
function readLine(ctx: Context): Promise<string> {
  const stdin = ctx.io.stdin;
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const finish = (): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', finish);
      stdin.removeListener('error', onError);
      stdin.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: string | Buffer): void => {
      text += String(chunk);
      if (text.includes('\n')) finish();
    };
    const onError = (err: Error): void => reject(err);
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('error', onError);
    stdin.resume();
  });
}
