// A Go text/template engine: parse once (unknown functions and syntax errors
// are found here), then execute with data as often as needed.
import { BUILTINS, type TemplateFunction } from './builtins.js';
import { executeTemplate } from './exec.js';
import type { Delimiters } from './lexer.js';
import { parseTemplate, type ParsedTemplates } from './parser.js';

export { TemplateError } from './errors.js';
export type { TemplateFunction } from './builtins.js';

export class GoTemplate {
  private readonly parsed: ParsedTemplates;

  constructor(
    readonly name: string,
    text: string,
    private readonly functions: Record<string, TemplateFunction>,
    delims?: Delimiters,
  ) {
    const known = new Set([...Object.keys(BUILTINS), ...Object.keys(functions)]);
    this.parsed = parseTemplate(name, text, known, delims);
  }

  execute(data: unknown, options: { missingKeyError?: boolean; functions?: Record<string, TemplateFunction> } = {}): Promise<string> {
    return executeTemplate(this.name, this.parsed, data, {
      missingKeyError: options.missingKeyError ?? false,
      functions: { ...this.functions, ...(options.functions ?? {}) },
    });
  }
}
