import type { ChildProcess } from 'node:child_process';
import { PluginLaunchError } from './launch-error.js';

/** The most a plugin may print before its handshake line ends. */
const MAX_HANDSHAKE_BYTES = 16 * 1024;

export interface HandshakeOutput {
  line: string;
  /** Whatever followed the line on stdout (forwarded to the log afterwards). */
  rest: string;
}

/**
 * Waits for the first line of a freshly spawned plugin's stdout. Fails with a
 * PluginLaunchError when the process cannot be run, ends without a line, or
 * stays silent past the timeout. `stderrTail` gives the end of what it wrote
 * on stderr, for the error message (before the handshake no mount has been
 * set up, so it cannot hold a secret).
 */
export function readHandshake(
  child: ChildProcess,
  opts: { name: string; command: string; timeoutMs: number; stderrTail: () => string },
): Promise<HandshakeOutput> {
  const stdout = child.stdout!;
  stdout.setEncoding('utf8');
  return new Promise<HandshakeOutput>((resolve, reject) => {
    let buffered = '';
    let done = false;
    const finish = (err: PluginLaunchError | null, out?: HandshakeOutput) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stdout.off('data', onData);
      child.off('error', onError);
      child.off('close', onClose);
      if (err) reject(err);
      else resolve(out!);
    };
    const onData = (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl !== -1) finish(null, { line: buffered.slice(0, nl).replace(/\r$/, ''), rest: buffered.slice(nl + 1) });
      else if (buffered.length > MAX_HANDSHAKE_BYTES) {
        finish(
          new PluginLaunchError(
            'bad-handshake',
            `plugin "${opts.name}" printed ${buffered.length} bytes without a handshake line; it starts with: ${preview(buffered)}`,
          ),
        );
      }
    };
    const onError = (err: Error) => {
      finish(new PluginLaunchError('spawn-failed', `could not run plugin "${opts.name}" (${opts.command}): ${err.message}`));
    };
    // 'close' (not 'exit'): all of stdout has been read by then, so a line
    // printed just before exiting is still seen.
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      if (buffered !== '') {
        finish(null, { line: buffered.replace(/\r?\n?$/, ''), rest: '' });
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      finish(new PluginLaunchError('exited', `plugin "${opts.name}" ${how} before its handshake${stderrPart(opts.stderrTail())}`));
    };
    const timer = setTimeout(() => {
      const printed = buffered === '' ? 'nothing on stdout' : `only ${preview(buffered)} on stdout`;
      finish(
        new PluginLaunchError(
          'timeout',
          `plugin "${opts.name}" printed no handshake line within ${opts.timeoutMs} ms (${printed}) and was stopped; ` +
            `a Coffer plugin prints one as soon as it listens${stderrPart(opts.stderrTail())}`,
        ),
      );
    }, opts.timeoutMs);
    stdout.on('data', onData);
    child.on('error', onError);
    child.on('close', onClose);
  });
}

/** The first bytes of untrusted output, quoted and escaped so it is safe in a message. */
export function preview(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

function stderrPart(tail: string): string {
  const trimmed = tail.trim();
  return trimmed === '' ? '' : `; its stderr ended with: ${preview(trimmed.slice(-400), 400)}`;
}
