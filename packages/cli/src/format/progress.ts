import { Presets, SingleBar } from 'cli-progress';
import type { OutStream } from '../cli/io.js';

export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr for long operator commands (migrate, backup).
 * On a terminal it redraws in place; otherwise (CI, a log file) it prints a
 * line every two seconds and at the end, so the output stays readable.
 */
export function progressBar(stream: OutStream, label: string, unit: string): Progress {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`,
      stream: stream as NodeJS.WritableStream,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  let last = { done: 0, total: 0 };
  return {
    start(total) {
      bar.start(total, 0);
      started = true;
      last = { done: 0, total };
    },
    update(done) {
      if (!started) return;
      bar.update(done);
      last.done = done;
    },
    stop() {
      if (!started) return;
      bar.stop();
      started = false;
      // Off a terminal the bar prints only every few seconds: always end with where it got to.
      if (!stream.isTTY) stream.write(`${label}: ${last.done}/${last.total} ${unit}\n`);
    },
  };
}
