/** Token kinds of the tiny HCL highlighter used by the policy editor. */
export type HclTokenKind = 'comment' | 'string' | 'keyword' | 'number' | 'punct' | 'ident' | 'space';

const KEYWORDS = new Set(['path', 'capabilities', 'allowed_parameters', 'denied_parameters', 'required_parameters', 'min_wrapping_ttl', 'max_wrapping_ttl', 'control_group', 'subscribe_event_types', 'true', 'false']);

const RULES: [HclTokenKind, RegExp][] = [
  ['comment', /^(#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?(\*\/|$))/],
  ['string', /^"(\\.|[^"\\\n])*("|$)/],
  ['number', /^-?\d+(\.\d+)?/],
  ['ident', /^[A-Za-z_][A-Za-z0-9_-]*/],
  ['space', /^\s+/],
  ['punct', /^[{}[\]=,()]/],
];

/** Splits HCL into tokens; any character no rule matches is passed through as punctuation. */
export function tokenizeHcl(text: string): { kind: HclTokenKind; text: string }[] {
  const out: { kind: HclTokenKind; text: string }[] = [];
  let rest = text;
  while (rest.length > 0) {
    let matched = false;
    for (const [kind, re] of RULES) {
      const m = re.exec(rest);
      if (m && m[0].length > 0) {
        out.push({ kind: kind === 'ident' && KEYWORDS.has(m[0]) ? 'keyword' : kind, text: m[0] });
        rest = rest.slice(m[0].length);
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.push({ kind: 'punct', text: rest[0]! });
      rest = rest.slice(1);
    }
  }
  return out;
}
