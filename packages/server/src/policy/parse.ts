import { CofferError, parseDurationExact } from '@coffer/sdk';
import { CAPABILITIES, CAPABILITY_BITS, DENY_BIT, isCapability, type Capability } from './capability.js';
import { decodeHcl } from './hcl.js';
import { sanitizePolicyName, type PathRules, type Permissions, type Policy } from './policy.js';
import { isTemplatedPath, templateSyntaxError } from './templating.js';

/** Keys a path stanza may hold. `comment` is documentation only. */
const PATH_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
]);

/**
 * Keys Vault knows but Coffer does not enforce. Refusing them is safer than
 * ignoring them: a policy that asks for MFA or a control group must not
 * silently grant access without it.
 */
const UNSUPPORTED_PATH_KEYS = new Set(['mfa_methods', 'control_group', 'subscribe_event_types']);

const TOP_LEVEL_KEYS = new Set(['name', 'path']);

/** The old one-word path policies and the capabilities each one means. */
const LEGACY_POLICIES = new Map<string, Capability[]>([
  ['deny', ['deny']],
  ['read', ['read', 'list']],
  ['write', ['create', 'read', 'update', 'delete', 'list']],
  ['sudo', ['create', 'read', 'update', 'delete', 'list', 'sudo']],
]);

/** A problem in the policy text; parsePolicy turns it into a CofferError. */
class PolicySyntaxError extends Error {}

function fail(message: string): never {
  throw new PolicySyntaxError(message);
}

/**
 * Parse an ACL policy written in HCL v1 or JSON, as Vault accepts them.
 * Throws CofferError invalid_request ("failed to parse policy: …") naming
 * the policy, the path stanza and what is wrong.
 */
export function parsePolicy(name: string, text: string): Policy {
  const policyName = sanitizePolicyName(name);
  try {
    return { name: policyName, raw: text, paths: parseDocument(text) };
  } catch (err) {
    if (!(err instanceof PolicySyntaxError)) throw err;
    const subject = policyName === '' ? '' : `policy "${policyName}": `;
    throw new CofferError('invalid_request', `failed to parse policy: ${subject}${err.message}`);
  }
}

function parseDocument(text: string): PathRules[] {
  const root = decodeDocument(text);
  if (!isPlainObject(root)) return fail('does not contain a root object');
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(`invalid key "${key}": a policy holds only "path" stanzas (and an optional "name")`);
  }
  if (root.path === undefined) return [];
  const blocks = objectList(root.path);
  if (!blocks) return fail('"path" must be a block: path "secret/*" { capabilities = ["read"] }');

  const rules: PathRules[] = [];
  for (const block of blocks) {
    for (const [path, body] of Object.entries(block)) {
      const stanzas = objectList(body);
      if (!stanzas) return fail(`path "${path}": expected a block of settings`);
      for (const stanza of stanzas) rules.push(parsePathStanza(path, stanza));
    }
  }
  return rules;
}

function parsePathStanza(key: string, stanza: Record<string, unknown>): PathRules {
  for (const field of Object.keys(stanza)) {
    if (UNSUPPORTED_PATH_KEYS.has(field)) fail(`path "${key}": "${field}" is not supported by Coffer; remove it`);
    if (!PATH_KEYS.has(field)) {
      fail(`path "${key}": invalid key "${field}" (valid keys: ${[...PATH_KEYS].join(', ')})`);
    }
  }

  const { path, isPrefix, hasSegmentWildcards } = shapeOf(key);
  let template: string | undefined;
  if (isTemplatedPath(key)) {
    const reason = templateSyntaxError(key);
    if (reason) fail(`path "${key}": ${reason}`);
    template = key;
  }

  let capabilities = stringList(stanza.capabilities, `path "${key}": capabilities`);
  if (stanza.policy !== undefined) {
    if (typeof stanza.policy !== 'string') fail(`path "${key}": "policy" must be a string`);
    const legacy = LEGACY_POLICIES.get(stanza.policy);
    if (!legacy) fail(`path "${key}": invalid policy "${stanza.policy}" (use deny, read, write or sudo)`);
    capabilities = legacy[0] === 'deny' ? ['deny'] : [...capabilities, ...legacy];
  }

  const permissions: Permissions = {
    capabilities: 0,
    minWrappingTtl: 0,
    maxWrappingTtl: 0,
    requiredParameters: [],
  };
  const granted: Capability[] = [];
  for (const cap of capabilities) {
    if (!isCapability(cap)) fail(`path "${key}": invalid capability "${cap}" (valid: ${CAPABILITIES.join(', ')})`);
    permissions.capabilities |= CAPABILITY_BITS[cap];
    granted.push(cap);
  }
  // An explicit deny overrides everything else in the stanza, constraints included.
  if (permissions.capabilities & DENY_BIT) {
    permissions.capabilities = DENY_BIT;
    return { path, isPrefix, hasSegmentWildcards, ...(template ? { template } : {}), capabilities: ['deny'], permissions };
  }

  if (stanza.allowed_parameters !== undefined) {
    permissions.allowedParameters = parameterMap(stanza.allowed_parameters, `path "${key}": allowed_parameters`);
  }
  if (stanza.denied_parameters !== undefined) {
    permissions.deniedParameters = parameterMap(stanza.denied_parameters, `path "${key}": denied_parameters`);
  }
  if (stanza.required_parameters !== undefined) {
    const required = stringList(stanza.required_parameters, `path "${key}": required_parameters`);
    for (const name of required) {
      if (name.includes('*')) fail(`path "${key}": required_parameters: parameter "${name}": wildcard is not permitted here`);
    }
    permissions.requiredParameters = required;
  }
  permissions.minWrappingTtl = wrappingTtl(stanza.min_wrapping_ttl, `path "${key}": min_wrapping_ttl`);
  permissions.maxWrappingTtl = wrappingTtl(stanza.max_wrapping_ttl, `path "${key}": max_wrapping_ttl`);
  if (
    permissions.minWrappingTtl !== 0 &&
    permissions.maxWrappingTtl !== 0 &&
    permissions.maxWrappingTtl < permissions.minWrappingTtl
  ) {
    fail(`path "${key}": max_wrapping_ttl cannot be less than min_wrapping_ttl`);
  }

  return { path, isPrefix, hasSegmentWildcards, ...(template ? { template } : {}), capabilities: granted, permissions };
}

function shapeOf(key: string): Pick<PathRules, 'path' | 'isPrefix' | 'hasSegmentWildcards'> {
  // Paths in policies start after the "/v1/" of the API path.
  let path = key.startsWith('/') ? key.slice(1) : key;
  if (path.includes('+*')) fail(`path "${path}": invalid use of wildcards ('+*' is forbidden)`);
  const hasSegmentWildcards = path === '+' || path.includes('/+') || path.startsWith('+/');
  let isPrefix = false;
  // Segment-wildcard rules keep their "*": the matcher reads it there.
  if (path.endsWith('*') && !hasSegmentWildcards) {
    path = path.slice(0, -1);
    isPrefix = true;
  }
  return { path, isPrefix, hasSegmentWildcards };
}

/** How a (resolved) policy path is matched: its form without "/" and "*", and its kind of wildcard. */
export function pathShape(key: string): Pick<PathRules, 'path' | 'isPrefix' | 'hasSegmentWildcards'> {
  return shapeOf(key);
}

/**
 * A document starting with "{" is JSON (HCL's own syntax cannot start so)
 * and is read strictly with JSON.parse. HCL v1's JSON reader is lenient in
 * dangerous ways: it accepts a truncated document (silently losing the
 * rules cut off, a deny among them) and drops booleans inside lists, which
 * turns `"allowed_parameters": {"force": [true]}` into "any value allowed".
 */
function decodeDocument(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      return fail(`invalid JSON: ${(err as Error).message}`);
    }
  }
  const decoded = decodeHcl(text);
  if (!decoded.ok) return fail(decoded.error);
  return decoded.value;
}

/** A list of strings; a lone string is a one-element list (as HCL's decoder allows). */
function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return fail(`${where}: expected a list of strings`);
  }
  return value as string[];
}

/** `{ "name" = ["value", "glob-*"] }` → Map of lower-cased names to value lists. */
function parameterMap(value: unknown, where: string): Map<string, unknown[]> {
  const blocks = objectList(value);
  if (!blocks) return fail(`${where}: expected a map of parameter names to lists of values`);
  const map = new Map<string, unknown[]>();
  for (const block of blocks) {
    for (const [name, raw] of Object.entries(block)) {
      if (name.includes('*') && name !== '*') {
        fail(`${where}: parameter key "${name}" cannot contain wildcards other than a lone "*"`);
      }
      const values = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
      const key = name.toLowerCase();
      const existing = map.get(key);
      // Two spellings of one name: an empty list (any value) wins, as in the ACL merge.
      if (existing === undefined) map.set(key, values);
      else map.set(key, existing.length === 0 || values.length === 0 ? [] : [...existing, ...values]);
    }
  }
  return map;
}

function wrappingTtl(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  let seconds: number;
  try {
    seconds = parseDurationExact(value);
  } catch {
    return fail(`${where}: invalid duration; use seconds or a duration such as "30s", "5m" or "1h"`);
  }
  if (seconds < 0) fail(`${where}: must not be negative`);
  return seconds;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * HCL decodes a block (and a map assigned with `=`) as a list of objects;
 * JSON documents may give a bare object. Both become a list of objects.
 */
function objectList(value: unknown): Record<string, unknown>[] | null {
  if (isPlainObject(value)) return [value];
  if (Array.isArray(value) && value.every(isPlainObject)) return value;
  return null;
}
