// Errors shaped like Go's text/template messages, which users of Vault Agent
// know:  template: NAME:LINE: function "x" not defined
//        template: NAME:LINE:COL: executing "NAME" at <.Data.x>: map has no entry for key "x"

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function parseError(name: string, line: number, message: string): TemplateError {
  return new TemplateError(`template: ${name}:${line}: ${message}`);
}

export interface Position {
  line: number;
  col: number;
}

export function execError(name: string, pos: Position, context: string, message: string): TemplateError {
  return new TemplateError(`template: ${name}:${pos.line}:${pos.col}: executing "${name}" at <${context}>: ${message}`);
}
