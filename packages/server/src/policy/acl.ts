import { CofferError, type Operation } from '@coffer/sdk';
import {
  CAPABILITY_BITS,
  DENY_BIT,
  ROOT_CAPABILITY,
  SUDO_BIT,
  capabilityForOperation,
  capabilityNames,
} from './capability.js';
import { valueAllowed, valueDenied } from './parameter-match.js';
import { ROOT_POLICY_NAME, clonePermissions, type PathRules, type Permissions, type Policy } from './policy.js';

export interface AclCheckInput {
  /** The full request path ("secret/data/foo"), mount prefix included. */
  path: string;
  operation: Operation;
  /** Request parameters (body, or query string for read/list/delete). */
  data?: Record<string, unknown>;
  /** The TTL (seconds) of the response wrapping the client asked for, if any. */
  wrapTtl?: number;
}

export interface AclResult {
  allowed: boolean;
  /** The matching rule grants sudo (needed on root-protected paths). */
  rootPrivs: boolean;
  /** The token holds the root policy. */
  isRoot: boolean;
  /** The capabilities the matching rule grants (["root"] for root, ["deny"] for none). */
  capabilities: string[];
  /** Why access was refused, for logs and audit; clients only ever see "permission denied". */
  deniedReason?: string;
}

/** A segment-wildcard rule, pre-split for matching. */
interface SegmentRule {
  /** The rule's path without a trailing "*". */
  pattern: string;
  parts: string[];
  isPrefix: boolean;
  /** Position of the first "+" in the rule. */
  firstWildcard: number;
  permissions: Permissions;
}

/** A rule that matched a path, with what the priority order looks at. */
interface Candidate {
  pattern: string;
  firstWildcard: number;
  isPrefix: boolean;
  wildcards: number;
  permissions: Permissions;
}

/**
 * The access rules of a set of policies, compiled for fast checks. Rules on
 * the same path are merged across policies: capabilities add up, an explicit
 * deny wins over everything. A request path is matched in Vault's order: an
 * exact rule first; otherwise the best of the glob ("*") and segment
 * wildcard ("+") rules that match, by Vault's priority order.
 */
export class ACL {
  readonly isRoot: boolean;
  private readonly exactRules = new Map<string, Permissions>();
  private readonly prefixRules = new Map<string, Permissions>();
  private readonly segmentRuleMap = new Map<string, Permissions>();
  /** Prefix rule paths, longest first, for longest-prefix matching. */
  private readonly prefixesLongestFirst: string[];
  private readonly segmentRules: SegmentRule[];

  constructor(policies: readonly Policy[]) {
    this.isRoot = policies.some((p) => p.name === ROOT_POLICY_NAME);
    // A root token holds the root policy alone; anything else is a bug upstream.
    if (this.isRoot && policies.length !== 1) {
      throw new CofferError('internal', 'other policies present along with root');
    }
    for (const policy of policies) {
      for (const rule of policy.paths) this.insert(rule);
    }
    this.prefixesLongestFirst = [...this.prefixRules.keys()].sort((a, b) => b.length - a.length);
    this.segmentRules = [...this.segmentRuleMap].map(([fullPath, permissions]) => {
      const isPrefix = fullPath.endsWith('*');
      const pattern = isPrefix ? fullPath.slice(0, -1) : fullPath;
      return { pattern, parts: pattern.split('/'), isPrefix, firstWildcard: fullPath.indexOf('+'), permissions };
    });
  }

  /** Decide whether `input.operation` on `input.path` is allowed. */
  allowOperation(input: AclCheckInput): AclResult {
    if (this.isRoot) return { allowed: true, rootPrivs: true, isRoot: true, capabilities: [ROOT_CAPABILITY] };

    const path = stripLeadingSlashes(input.path);
    const permissions = this.lookup(path, input.operation);
    const bits = permissions?.capabilities ?? 0;
    const result: AclResult = { allowed: false, rootPrivs: false, isRoot: false, capabilities: capabilityNames(bits) };

    // Help is always allowed, and never needs sudo.
    if (input.operation === 'help') return { ...result, allowed: true };

    if (!permissions) return denied(result, 'no policy grants access to this path');
    if (bits & DENY_BIT) return denied(result, 'a policy explicitly denies this path');
    result.rootPrivs = (bits & SUDO_BIT) !== 0;

    const needed = capabilityForOperation(input.operation);
    if (needed === null) return denied(result, `operation "${input.operation}" is not authorized by policies`);
    if (!(bits & CAPABILITY_BITS[needed])) {
      return denied(result, `policies do not grant the "${needed}" capability on this path`);
    }

    const wrapReason = checkWrapping(permissions, input.wrapTtl);
    if (wrapReason) return denied(result, wrapReason);

    const op = input.operation;
    if (op === 'read' || op === 'create' || op === 'update' || op === 'patch') {
      const paramReason = checkParameters(permissions, input.data ?? {});
      if (paramReason) return denied(result, paramReason);
    }
    return { ...result, allowed: true };
  }

  /**
   * The capabilities on a path, sorted, as sys/capabilities reports them:
   * ["root"] for root, ["deny"] when denied or nothing is granted.
   */
  capabilities(path: string): string[] {
    if (this.isRoot) return [ROOT_CAPABILITY];
    // Looked up as a list, so "foo/" also finds a rule written as "foo" (Vault does the same).
    const permissions = this.lookup(stripLeadingSlashes(path), 'list');
    return capabilityNames(permissions?.capabilities ?? 0);
  }

  /**
   * Whether the policies grant anything at all on a mount or below it (Vault's
   * hasMountAccess): mount listings show a token only the mounts it can use.
   */
  hasMountAccess(mountPath: string): boolean {
    if (this.isRoot) return true;
    const path = stripLeadingSlashes(mountPath);
    if (!this.capabilities(path).includes('deny')) return true;
    const grants = (p: Permissions): boolean => (p.capabilities & DENY_BIT) === 0 && (p.capabilities & ~DENY_BIT) !== 0;
    for (const [rule, p] of this.exactRules) if (rule.startsWith(path) && grants(p)) return true;
    for (const [rule, p] of this.prefixRules) if (rule.startsWith(path) && grants(p)) return true;
    // A "+" rule such as "secret/+/app" reaches into the mount when its leading segments fit the mount path.
    const mountParts = path.split('/').filter((part) => part !== '');
    for (const rule of this.segmentRules) {
      if (!grants(rule.permissions)) continue;
      const fits = mountParts.every((part, i) => {
        const rulePart = rule.parts[i];
        if (rulePart === undefined) return rule.isPrefix && i === rule.parts.length;
        return rulePart === '+' || rulePart === part || (rule.isPrefix && i === rule.parts.length - 1 && part.startsWith(rulePart));
      });
      if (fits) return true;
    }
    return false;
  }

  private insert(rule: PathRules): void {
    // A templated rule must be resolved for an identity first (templating.ts); unresolved, it grants nothing.
    if (rule.template !== undefined) return;
    const tree = rule.hasSegmentWildcards ? this.segmentRuleMap : rule.isPrefix ? this.prefixRules : this.exactRules;
    const existing = tree.get(rule.path);
    if (!existing) tree.set(rule.path, clonePermissions(rule.permissions));
    else mergeInto(existing, rule.permissions);
  }

  private lookup(path: string, op: Operation): Permissions | null {
    const exact = this.exactRules.get(path);
    if (exact) return exact;
    if (op !== 'list') return this.matchNonExact(path);

    // A list of "foo/" is also governed by rules written for "foo".
    const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
    const exactTrimmed = this.exactRules.get(trimmed);
    if (exactTrimmed) return exactTrimmed;
    if (trimmed !== path) {
      const nonExact = this.matchNonExact(trimmed);
      if (nonExact) return nonExact;
    }
    return this.matchNonExact(path);
  }

  /** The best glob or segment-wildcard rule for a path, by Vault's priority order. */
  private matchNonExact(path: string): Permissions | null {
    const candidates: Candidate[] = [];
    const prefix = this.prefixesLongestFirst.find((p) => path.startsWith(p));
    if (prefix !== undefined) {
      const permissions = this.prefixRules.get(prefix)!;
      if (this.segmentRules.length === 0) return permissions;
      candidates.push({ pattern: prefix, firstWildcard: prefix.length, isPrefix: true, wildcards: 0, permissions });
    }

    if (this.segmentRules.length > 0) {
      const pathParts = path.split('/');
      for (const rule of this.segmentRules) {
        const wildcards = matchSegments(rule, pathParts);
        if (wildcards === null) continue;
        candidates.push({
          pattern: rule.pattern,
          firstWildcard: rule.firstWildcard,
          isPrefix: rule.isPrefix,
          wildcards,
          permissions: rule.permissions,
        });
      }
    }

    let best: Candidate | undefined;
    for (const c of candidates) if (!best || comparePriority(c, best) > 0) best = c;
    return best?.permissions ?? null;
  }
}

/** The number of "+" segments used when `rule` matches the path, or null when it does not. */
function matchSegments(rule: SegmentRule, pathParts: string[]): number | null {
  if (pathParts.length < rule.parts.length) return null;
  if (!rule.isPrefix && pathParts.length !== rule.parts.length) return null;
  let wildcards = 0;
  const last = rule.parts.length - 1;
  for (let i = 0; i <= last; i++) {
    const part = rule.parts[i]!;
    const segment = pathParts[i]!;
    if (part === '+') wildcards++;
    else if (part === segment) continue;
    else if (rule.isPrefix && i === last && segment.startsWith(part)) continue;
    else return null;
  }
  return wildcards;
}

/**
 * Vault's priority order for rules that all match a path (positive: `a`
 * wins). In turn: the later first wildcard or glob wins; a rule without a
 * trailing "*" beats one with it; fewer "+" segments win; the longer rule
 * wins; and as a last resort the lexicographically greater one.
 */
export function comparePriority(
  a: Pick<Candidate, 'pattern' | 'firstWildcard' | 'isPrefix' | 'wildcards'>,
  b: Pick<Candidate, 'pattern' | 'firstWildcard' | 'isPrefix' | 'wildcards'>,
): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.pattern.length !== b.pattern.length) return a.pattern.length - b.pattern.length;
  return a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0;
}

/**
 * Merge a rule into the permissions already held for the same path. Deny
 * wins outright; otherwise capabilities add up, the smaller wrapping TTL
 * bounds apply, and parameter lists are combined (an empty list, meaning
 * "any value", absorbs the other).
 */
function mergeInto(existing: Permissions, incoming: Permissions): void {
  if (existing.capabilities & DENY_BIT) return;
  if (incoming.capabilities & DENY_BIT) {
    existing.capabilities = DENY_BIT;
    existing.allowedParameters = undefined;
    existing.deniedParameters = undefined;
    return;
  }
  existing.capabilities |= incoming.capabilities;
  if (incoming.maxWrappingTtl > 0 && (existing.maxWrappingTtl === 0 || incoming.maxWrappingTtl < existing.maxWrappingTtl)) {
    existing.maxWrappingTtl = incoming.maxWrappingTtl;
  }
  if (incoming.minWrappingTtl > 0 && (existing.minWrappingTtl === 0 || incoming.minWrappingTtl < existing.minWrappingTtl)) {
    existing.minWrappingTtl = incoming.minWrappingTtl;
  }
  existing.allowedParameters = mergeParameters(existing.allowedParameters, incoming.allowedParameters);
  existing.deniedParameters = mergeParameters(existing.deniedParameters, incoming.deniedParameters);
  for (const name of incoming.requiredParameters) {
    if (!existing.requiredParameters.includes(name)) existing.requiredParameters.push(name);
  }
}

function mergeParameters(
  existing: Map<string, unknown[]> | undefined,
  incoming: Map<string, unknown[]> | undefined,
): Map<string, unknown[]> | undefined {
  if (!incoming || incoming.size === 0) return existing;
  if (!existing) return new Map([...incoming].map(([k, v]) => [k, structuredClone(v)]));
  for (const [name, values] of incoming) {
    const held = existing.get(name);
    if (values.length === 0 || (held !== undefined && held.length === 0)) existing.set(name, []);
    else existing.set(name, [...structuredClone(values), ...(held ?? [])]);
  }
  return existing;
}

/** A reason to refuse when the rule bounds response wrapping, or null. */
function checkWrapping(p: Permissions, wrapTtl: number | undefined): string | null {
  // Bounds make wrapping mandatory: an unwrapped response would escape them.
  if (p.maxWrappingTtl > 0 && (wrapTtl === undefined || wrapTtl > p.maxWrappingTtl)) {
    return `response wrapping with a TTL of at most ${p.maxWrappingTtl}s is required on this path`;
  }
  if (p.minWrappingTtl > 0 && (wrapTtl === undefined || wrapTtl < p.minWrappingTtl)) {
    return `response wrapping with a TTL of at least ${p.minWrappingTtl}s is required on this path`;
  }
  // Merged rules can end up with bounds no TTL satisfies.
  if (p.minWrappingTtl !== 0 && p.maxWrappingTtl !== 0 && p.maxWrappingTtl < p.minWrappingTtl) {
    return 'the wrapping TTL bounds of the policies on this path cannot be met';
  }
  return null;
}

/**
 * A reason to refuse because of parameter constraints, or null. Reasons name
 * parameters, never their values (a value may be a secret).
 */
function checkParameters(p: Permissions, data: Record<string, unknown>): string | null {
  for (const name of p.requiredParameters) {
    if (!Object.hasOwn(data, name.toLowerCase())) return `required parameter "${name}" is missing`;
  }
  const entries = Object.entries(data);
  if (entries.length === 0) return null;

  const denied = p.deniedParameters;
  if (denied && denied.size > 0) {
    if (denied.has('*')) return 'policies deny every parameter on this path';
    for (const [name, value] of entries) {
      const list = denied.get(name.toLowerCase());
      if (list && valueDenied(value, list)) return `parameter "${name}" (or this value of it) is denied`;
    }
  }

  const allowed = p.allowedParameters;
  if (!allowed || allowed.size === 0) return null;
  const allowedAll = allowed.has('*');
  if (allowed.size === 1 && allowedAll) return null;
  for (const [name, value] of entries) {
    const list = allowed.get(name.toLowerCase());
    if (list === undefined) {
      if (!allowedAll) return `parameter "${name}" is not allowed`;
    } else if (!valueAllowed(value, list)) {
      return `this value of parameter "${name}" is not allowed`;
    }
  }
  return null;
}

function denied(result: AclResult, reason: string): AclResult {
  return { ...result, allowed: false, deniedReason: reason };
}

function stripLeadingSlashes(path: string): string {
  let i = 0;
  while (path[i] === '/') i++;
  return path.slice(i);
}
