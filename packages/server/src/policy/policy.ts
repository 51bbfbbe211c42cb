import type { Capability } from './capability.js';

/**
 * What one path stanza grants, after parsing. The ACL merges the permissions
 * of every stanza (from every policy) that names the same path.
 */
export interface Permissions {
  /** Bitmap of CAPABILITY_BITS. An explicit deny is the deny bit alone. */
  capabilities: number;
  /** Seconds; 0 means no bound. */
  minWrappingTtl: number;
  maxWrappingTtl: number;
  /** Lower-cased parameter name → allowed values (empty list: any value). */
  allowedParameters?: Map<string, unknown[]>;
  /** Lower-cased parameter name → denied values (empty list: any value). */
  deniedParameters?: Map<string, unknown[]>;
  requiredParameters: string[];
}

/** One `path "…" { … }` stanza of a policy. */
export interface PathRules {
  /**
   * The path as matched: a leading "/" removed and, for a plain prefix rule,
   * the trailing "*" removed. Rules with "+" segments keep their trailing "*".
   */
  path: string;
  /** The path ended in "*" (a glob on everything after it). */
  isPrefix: boolean;
  /** The path has "+" segments (each matches exactly one path segment). */
  hasSegmentWildcards: boolean;
  /**
   * The path as written when it holds `{{identity...}}` parameters. Such a
   * rule matches nothing until the ACL is built for an identity that
   * resolves it (see templating.ts).
   */
  template?: string;
  /** Capabilities as written (legacy `policy = "…"` expanded). */
  capabilities: Capability[];
  permissions: Permissions;
}

/** A parsed ACL policy. */
export interface Policy {
  /** Lower-cased name. */
  name: string;
  /** The text the policy was parsed from (HCL or JSON), returned on read. */
  raw: string;
  paths: PathRules[];
}

export const ROOT_POLICY_NAME = 'root';
export const DEFAULT_POLICY_NAME = 'default';
export const RESPONSE_WRAPPING_POLICY_NAME = 'response-wrapping';

/** Vault trims and lower-cases policy names everywhere they are used. */
export function sanitizePolicyName(name: string): string {
  return name.trim().toLowerCase();
}

/** The root policy: no rules; the ACL grants everything when it sees the name. */
export function rootPolicy(): Policy {
  return { name: ROOT_POLICY_NAME, raw: '', paths: [] };
}

export function clonePermissions(p: Permissions): Permissions {
  return {
    capabilities: p.capabilities,
    minWrappingTtl: p.minWrappingTtl,
    maxWrappingTtl: p.maxWrappingTtl,
    allowedParameters: p.allowedParameters && cloneParameterMap(p.allowedParameters),
    deniedParameters: p.deniedParameters && cloneParameterMap(p.deniedParameters),
    requiredParameters: [...p.requiredParameters],
  };
}

function cloneParameterMap(map: Map<string, unknown[]>): Map<string, unknown[]> {
  return new Map([...map].map(([k, v]) => [k, structuredClone(v)]));
}
