// Where command output goes, as in Vault's CLI: results and success notes on
// stdout, errors and warnings on stderr.
import type { Io } from './io.js';

export class Ui {
  /** Set while -output-curl-string is active: errors from the aborted request are not shown. */
  silenceErrors = false;

  constructor(
    private readonly io: Io,
    readonly format: string,
  ) {}

  /** A line of regular output. */
  output(text: string): void {
    this.io.stdout.write(text + '\n');
  }

  /** Informational output (Vault sends it to stdout too). */
  info(text: string): void {
    this.io.stdout.write(text + '\n');
  }

  warn(text: string): void {
    if (!this.silenceErrors) this.io.stderr.write(text + '\n');
  }

  error(text: string): void {
    if (!this.silenceErrors) this.io.stderr.write(text + '\n');
  }

  /**
   * A raw value (-field): no trailing newline when piped, so the value can be
   * used as is; a newline on a terminal so the prompt stays readable.
   */
  raw(text: string): void {
    this.io.stdout.write(this.io.stdout.isTTY ? text + '\n' : text);
  }

  /** Text with no newline added (prompts). */
  write(text: string): void {
    this.io.stdout.write(text);
  }

  /** Prompt text on stderr (so piped stdout stays clean). */
  prompt(text: string): void {
    this.io.stderr.write(text);
  }
}
