import { displayPattern } from './pattern.js';
import type { FieldSchema, PathDefinition } from './types.js';

/**
 * The text `path-help` prints. The layout follows Vault's (request, matching
 * route, synopsis, parameters, description) so users find things where
 * they expect them.
 */
export function pathHelpText(requestPath: string, path: PathDefinition, fields: Record<string, FieldSchema>): string {
  const lines: string[] = [];
  lines.push(`Request:        ${requestPath}`);
  lines.push(`Matching Route: ${displayPattern(path.pattern)}`);
  lines.push('');
  lines.push(clean(path.helpSynopsis) || '(no synopsis)');
  const names = Object.keys(fields).sort();
  if (names.length > 0) {
    lines.push('');
    lines.push('## PARAMETERS');
    for (const name of names) {
      const field = fields[name]!;
      lines.push('');
      lines.push(indent(4, `${name} (${field.type})`));
      lines.push('');
      const details: string[] = [];
      const description = clean(field.description) || '(no description)';
      details.push(field.deprecated ? `(DEPRECATED) ${description}` : description);
      if (field.default !== undefined) details.push(`Default: ${formatValue(field.default)}`);
      if (field.allowedValues && field.allowedValues.length > 0) {
        details.push(`One of: ${field.allowedValues.map(formatValue).join(', ')}`);
      }
      lines.push(indent(8, details.join('\n')));
    }
  }
  lines.push('');
  lines.push('## DESCRIPTION');
  lines.push('');
  lines.push(clean(path.helpDescription) || clean(path.helpSynopsis) || '(no description)');
  return `${lines.join('\n')}\n`;
}

/** Help for the mount as a whole: the backend's own text and a list of its routes. */
export function rootHelpText(help: string, paths: readonly PathDefinition[]): string {
  const out = [clean(help)];
  if (paths.length > 0) {
    out.push('');
    out.push('## PATHS');
    out.push('');
    out.push('These routes are served by this mount. For details on one of them, ask for');
    out.push('help on any path it matches. Whether you may use a route depends on the');
    out.push("policies of your token.");
    out.push('');
    for (const path of paths) {
      out.push(indent(4, displayPattern(path.pattern)));
      out.push(indent(8, clean(path.helpSynopsis) || '(no synopsis)'));
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function clean(text: string | undefined): string {
  return (text ?? '').trim();
}

function indent(spaces: number, text: string): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}
