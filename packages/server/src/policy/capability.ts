import type { Operation } from '@coffer/sdk';

/**
 * Capabilities a policy can grant on a path, as Vault names them. Each one is
 * a bit so that rules merged from several policies are a cheap bitwise OR.
 * `subscribe` and `recover` are accepted for compatibility with newer Vault
 * policies; no Coffer operation needs them yet.
 */
export const CAPABILITIES = [
  'deny',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'sudo',
  'patch',
  'subscribe',
  'recover',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** What capabilities() reports for a root token. */
export const ROOT_CAPABILITY = 'root';

export const CAPABILITY_BITS: Readonly<Record<Capability, number>> = {
  deny: 1 << 0,
  create: 1 << 1,
  read: 1 << 2,
  update: 1 << 3,
  delete: 1 << 4,
  list: 1 << 5,
  sudo: 1 << 6,
  patch: 1 << 7,
  subscribe: 1 << 8,
  recover: 1 << 9,
};

export const DENY_BIT = CAPABILITY_BITS.deny;
export const SUDO_BIT = CAPABILITY_BITS.sudo;

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);
}

/**
 * The capability names in a bitmap, sorted (Vault sorts what it reports).
 * An explicit deny, or no capability at all, reads as ["deny"].
 */
export function capabilityNames(bits: number): string[] {
  if (bits & DENY_BIT) return ['deny'];
  const names = CAPABILITIES.filter((c) => c !== 'deny' && bits & CAPABILITY_BITS[c]);
  return names.length === 0 ? ['deny'] : [...names].sort();
}

/**
 * The capability an operation needs. renew, revoke and rollback act on a
 * lease the caller already holds, so Vault maps them to update. Operations
 * that never go through the ACL (help is always allowed; alias-lookahead and
 * resolve-role only happen on unauthenticated login paths) need none.
 */
export function capabilityForOperation(op: Operation): Capability | null {
  switch (op) {
    case 'create':
    case 'read':
    case 'update':
    case 'patch':
    case 'delete':
    case 'list':
      return op;
    case 'renew':
    case 'revoke':
    case 'rollback':
      return 'update';
    default:
      return null;
  }
}
