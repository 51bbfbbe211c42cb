import { CofferError } from '@coffer/sdk';
import { FilterParser } from 'ldapts';

/**
 * Vault configures its LDAP searches with Go templates such as
 * "(&(objectClass=person)({{.UserAttr}}={{.Username}}))". Coffer accepts the
 * same text but only the "{{.Name}}" substitutions: the filters are
 * operator-written, and the values put into them are escaped by the caller.
 */
const PLACEHOLDER = /\{\{-?\s*\.([A-Za-z][A-Za-z0-9]*)\s*-?\}\}/g;

/** Check a template at config time: only known placeholders, no other template actions. */
export function validateFilterTemplate(field: string, template: string, names: readonly string[]): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!names.includes(match[1]!)) {
      throw new CofferError('invalid_request', `invalid ${field}: unknown placeholder {{.${match[1]}}}; use ${names.map((n) => `{{.${n}}}`).join(' or ')}`);
    }
  }
  if (template.replace(PLACEHOLDER, '').includes('{{')) {
    throw new CofferError('invalid_request', `invalid ${field}: only {{.Name}} placeholders are supported, not other template actions`);
  }
  let depth = 0;
  for (const ch of template.replace(PLACEHOLDER, 'x')) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (depth < 0) break;
  }
  if (depth !== 0) throw new CofferError('invalid_request', `invalid ${field}: unbalanced parentheses`);
  // The rest of the syntax is checked by the parser the login's searches go
  // through, with sample values, so a filter that passes here cannot fail there.
  const sample = Object.fromEntries(names.map((n) => [n, 'x']));
  try {
    FilterParser.parseString(renderFilterTemplate(template, sample));
  } catch (err) {
    throw new CofferError('invalid_request', `invalid ${field}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Fill the placeholders with values the caller has already escaped for a filter. */
export function renderFilterTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => values[name] ?? '');
}
