import type { TokenInfo } from '../core/ports.js';
import type { MountEntry } from './mount-entry.js';

/**
 * What is special about a mount type, kept with the mount types rather than
 * in the request pipeline.
 */
interface MountTypeRule {
  /**
   * The form of the client token the backend receives. Absent: the
   * per-mount salted token (see mount-boundary.ts).
   */
  clientToken?: (caller: TokenInfo | undefined) => string;
  /** Request headers the mount type always receives (the core's own code, not a plugin), besides those the mount passes through. */
  requestHeaders?: readonly string[];
  /** Secrets only report a TTL hint and never get a lease (Vault's kv and generic). */
  leasesArePassthrough?: (entry: MountEntry) => boolean;
}

const raw = (caller: TokenInfo | undefined): string => caller?.id ?? '';
const kvRule: MountTypeRule = { leasesArePassthrough: (entry) => entry.options['leased_passthrough'] !== 'true' };

const RULES: Record<string, MountTypeRule> = {
  // The cubbyhole engine keys storage by the token's cubbyhole id, never by the token itself.
  cubbyhole: { clientToken: (caller) => caller?.cubbyholeId ?? '' },
  // sys/ and auth/token/ are the core's own: they act on the token itself.
  system: { clientToken: raw },
  token: { clientToken: raw },
  kv: kvRule,
  generic: kvRule,
  // The OIDC provider's token and userinfo endpoints read client credentials and access tokens from Authorization.
  identity: { requestHeaders: ['authorization'] },
};

export function mountTypeRule(type: string): MountTypeRule | undefined {
  return RULES[type];
}

export function leasesArePassthrough(entry: MountEntry): boolean {
  return mountTypeRule(entry.type)?.leasesArePassthrough?.(entry) ?? false;
}

/** Whether the mount is one of the core's own (it sees raw tokens and every header). */
export function isCoreMount(entry: MountEntry): boolean {
  return entry.type === 'system' || entry.type === 'token';
}
