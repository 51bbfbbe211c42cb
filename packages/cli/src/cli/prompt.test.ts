import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { parseCommandLine } from './flags.js';
import { Context } from './context.js';
import type { InStream } from './io.js';
import { promptHidden, PromptCancelled } from './prompt.js';
import { Ui } from './ui.js';
import { fakeIo } from '../testing/fake-io.js';

function terminal(): { ctx: Context; stdin: PassThrough & InStream; rawModes: boolean[]; out: () => string } {
  const io = fakeIo();
  const stdin = new PassThrough() as PassThrough & InStream;
  const rawModes: boolean[] = [];
  stdin.isTTY = true;
  stdin.setRawMode = (mode: boolean) => {
    rawModes.push(mode);
    return stdin;
  };
  io.stdin = stdin;
  const ctx = new Context(io, new Ui(io, 'table'), parseCommandLine([], []).flags, []);
  return { ctx, stdin, rawModes, out: () => io.stdout.text + io.stderr.text };
}

describe('promptHidden', () => {
  it('reads a line in raw mode on a terminal without echoing it', async () => {
    const t = terminal();
    const value = promptHidden(t.ctx, 'Unseal Key (will be hidden): ');
    t.stdin.write('s3c');
    t.stdin.write('x\u007fret\r');
    assert.equal(await value, 's3cret');
    assert.deepEqual(t.rawModes, [true, false]);
    assert.equal(t.out(), 'Unseal Key (will be hidden): \n');
  });

  it('gives up on Ctrl-C', async () => {
    const t = terminal();
    const value = promptHidden(t.ctx, 'Token (will be hidden): ');
    t.stdin.write('\u0003');
    await assert.rejects(value, PromptCancelled);
    assert.deepEqual(t.rawModes, [true, false]);
  });

  it('reads the first line of piped input without waiting for its end', async () => {
    const io = fakeIo();
    const stdin = new PassThrough() as PassThrough & InStream;
    io.stdin = stdin;
    const ctx = new Context(io, new Ui(io, 'table'), parseCommandLine([], []).flags, []);
    const value = promptHidden(ctx, 'Password (will be hidden): ');
    stdin.write('pw\nrest');
    assert.equal(await value, 'pw');
  });
});
