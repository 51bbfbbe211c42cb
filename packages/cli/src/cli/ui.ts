// Where command output goes, as in Vault's CLI: results and success notes on
// stdout, errors and warnings on stderr.
import type { Io } from './io.js';

export class Ui {
  /**
   * With -output-curl-string the request is not sent, so the command reports
   * a failure we do not want shown; errors are held back until we know
   * whether a cURL command was produced.
   */
  private heldErrors: string[] | undefined;

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
    this.stderr(text + '\n');
  }

  error(text: string): void {
    this.stderr(text + '\n');
  }

  holdErrors(): void {
    this.heldErrors = [];
  }

  /** Writes held-back errors (keep=true) or drops them. */
  releaseErrors(keep: boolean): void {
    const held = this.heldErrors ?? [];
    this.heldErrors = undefined;
    if (keep) for (const text of held) this.io.stderr.write(text);
  }

  private stderr(text: string): void {
    if (this.heldErrors) this.heldErrors.push(text);
    else this.io.stderr.write(text);
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
    this.stderr(text);
  }
}
