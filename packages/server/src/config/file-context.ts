import { where } from './errors.js';
import type { SourceLocator } from './locate.js';
import type { SettingRef } from './values.js';

/** One config file being read: its name, a way to find lines, and the warnings so far. */
export class FileContext {
  private readonly found: Array<{ line: number; message: string }> = [];

  constructor(
    readonly file: string,
    readonly locator: SourceLocator,
  ) {}

  warn(line: number | undefined, message: string): void {
    this.found.push({ line: line ?? Number.MAX_SAFE_INTEGER, message: `${where(this.file, line)}: ${message}` });
  }

  /** The warnings in line order. */
  get warnings(): string[] {
    return [...this.found].sort((a, b) => a.line - b.line).map((w) => w.message);
  }

  topLevel(key: string): SettingRef {
    return { file: this.file, label: `"${key}"`, line: () => this.locator.topLevelKey(key) };
  }

  inBlock(block: BlockRef, key: string): SettingRef {
    return {
      file: this.file,
      label: `"${key}" in ${block.name} "${block.label}"`,
      line: () => this.locator.keyInBlock(block.line(), key),
    };
  }
}

/** A labelled block of the file, such as the second `listener "tcp"`. */
export interface BlockRef {
  name: string;
  label: string;
  line(): number | undefined;
}
