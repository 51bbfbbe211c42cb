import { randomInt } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import { decodeHcl } from '../policy/hcl.js';

/** One `rule "charset"` block: at least `minChars` of the password come from `charset`. */
export interface CharsetRule {
  charset: string[];
  minChars: number;
}

/** A parsed password policy, as Vault's sys/policies/password documents it. */
export interface PasswordPolicy {
  length: number;
  rules: CharsetRule[];
  /** Every character any rule allows (the password is drawn from these). */
  charset: string[];
}

const MIN_LENGTH = 4;
const MAX_LENGTH = 4096;

function invalid(reason: string): CofferError {
  return new CofferError('invalid_request', `invalid password policy: ${reason}`);
}

/**
 * Parses and checks a policy written in HCL (or JSON):
 *
 *   length = 20
 *   rule "charset" {
 *     charset   = "abcdefghijklmnopqrstuvwxyz"
 *     min-chars = 1
 *   }
 *
 * A policy that could never produce a password is refused with the reason.
 */
export function parsePasswordPolicy(text: string): PasswordPolicy {
  if (text.trim() === '') throw invalid('the policy is empty');
  const decoded = decodeHcl(text);
  if (!decoded.ok) throw invalid(`unable to parse policy: ${decoded.error}`);
  const doc = decoded.value as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (key !== 'length' && key !== 'rule') throw invalid(`unknown field "${key}": only "length" and "rule" blocks are allowed`);
  }
  const length = doc['length'];
  if (typeof length !== 'number' || !Number.isInteger(length)) throw invalid('length must be an integer');
  if (length < MIN_LENGTH || length > MAX_LENGTH) throw invalid(`length must be between ${MIN_LENGTH} and ${MAX_LENGTH}, got ${length}`);

  const rules: CharsetRule[] = [];
  for (const block of blocks(doc['rule'])) {
    for (const [kind, bodies] of Object.entries(block)) {
      if (kind !== 'charset') throw invalid(`unknown rule type "${kind}": only "charset" rules exist`);
      for (const body of blocks(bodies)) rules.push(charsetRule(body));
    }
  }
  if (rules.length === 0) throw invalid('at least one rule "charset" is required');
  const minimum = rules.reduce((sum, r) => sum + r.minChars, 0);
  if (minimum > length) throw invalid(`the rules need at least ${minimum} characters, more than length ${length}`);
  const charset = [...new Set(rules.flatMap((r) => r.charset))];
  return { length, rules, charset };
}

function charsetRule(body: Record<string, unknown>): CharsetRule {
  for (const key of Object.keys(body)) {
    if (key !== 'charset' && key !== 'min-chars') throw invalid(`unknown field "${key}" in rule "charset": use "charset" and "min-chars"`);
  }
  const charset = body['charset'];
  if (typeof charset !== 'string' || charset === '') throw invalid('a rule "charset" needs a non-empty charset');
  const minChars = body['min-chars'] ?? 0;
  if (typeof minChars !== 'number' || !Number.isInteger(minChars) || minChars < 0) throw invalid('min-chars must be a non-negative integer');
  // Characters, not UTF-16 units, so a charset may hold any Unicode letter.
  return { charset: [...new Set(Array.from(charset))], minChars };
}

/** HCL gives a block as a list of objects, JSON maybe as one object: accept both. */
function blocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid('a rule must be a block');
    return item as Record<string, unknown>;
  });
}

/**
 * A password that meets the policy. Every character is drawn with
 * node:crypto's randomInt (rejection sampling: no modulo bias): first
 * min-chars from each rule's charset, then the rest from all allowed
 * characters, then a Fisher–Yates shuffle so the guaranteed characters
 * sit at random positions. Never needs a retry.
 */
export function generateFromPolicy(policy: PasswordPolicy): string {
  const chars: string[] = [];
  for (const rule of policy.rules) {
    for (let i = 0; i < rule.minChars; i++) chars.push(rule.charset[randomInt(rule.charset.length)]!);
  }
  while (chars.length < policy.length) chars.push(policy.charset[randomInt(policy.charset.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
