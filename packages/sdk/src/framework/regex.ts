/**
 * Pattern pieces shared by backends, like Vault's framework helpers. They
 * produce JavaScript named groups, so the captures become fields.
 */

/** A name: a word character, then word characters, "-" or ".", ending with a word character. */
export function genericNameRegex(name: string): string {
  return `(?<${name}>\\w(?:[\\w.-]*\\w)?)`;
}

/** Like genericNameRegex, but "@" is allowed in the middle too (user names that are e-mail addresses). */
export function genericNameWithAtRegex(name: string): string {
  return `(?<${name}>\\w(?:[\\w.@-]*\\w)?)`;
}

/** An optional "/name" segment. */
export function optionalGenericNameRegex(name: string): string {
  return `(?:/${genericNameRegex(name)})?`;
}

/** Everything that is left, including slashes (possibly empty). */
export function matchAllRegex(name: string): string {
  return `(?<${name}>.*)`;
}

/** An optional "/anything" tail. */
export function optionalParamRegex(name: string): string {
  return `(?:/(?<${name}>.+))?`;
}
