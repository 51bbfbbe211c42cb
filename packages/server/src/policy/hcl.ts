import { createRequire } from 'node:module';

/**
 * js-hcl-parser is HashiCorp's HCL v1 (the dialect of Vault policies)
 * compiled to JavaScript. Its parse() never throws: it returns either the
 * document as indented JSON or an error sentence. HCL v1 also reads JSON
 * documents, so one call handles both policy formats.
 */
interface HclModule {
  parse(input: string): string;
}

const hcl = createRequire(import.meta.url)('js-hcl-parser') as HclModule;

const ERROR_PREFIXES = ['unable to parse JSON: ', 'unable to print JSON: '];

export type HclResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Decode HCL v1 or JSON text. Blocks come back as lists of objects
 * (`path "a" { … }` → `{path: [{a: [{…}]}]}`), as Go's HCL decoder gives them.
 */
export function decodeHcl(text: string): HclResult {
  const out = hcl.parse(text);
  for (const prefix of ERROR_PREFIXES) {
    if (out.startsWith(prefix)) return { ok: false, error: out.slice(prefix.length) };
  }
  try {
    return { ok: true, value: JSON.parse(out) as unknown };
  } catch {
    // Anything that is not JSON is an error sentence we do not know the prefix of.
    return { ok: false, error: out };
  }
}
