import { createHmac, randomBytes } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { TokenInfo } from '../core/ports.js';
import type { Route } from '../core/router.js';
import type { MountEntry } from './mount-entry.js';
import { isCoreMount, mountTypeRule } from './mount-type-rules.js';

/** Where the secret behind every mount's token salt is kept (inside the barrier). */
export const MOUNT_SALT_KEY = 'core/mount-token-salt';

/** Vault never passes these to a backend, whatever the mount's passthrough_request_headers say. */
const DENIED_REQUEST_HEADERS = new Set(['authorization', 'x-vault-token']);

/**
 * The mount boundary, as Vault's router enforces it: a backend gets a
 * per-mount salted form of the client token (so a token seen by one plugin
 * is useless elsewhere and differs between mounts), only the request headers
 * its mount passes through, and may only set the response headers its mount
 * allows.
 */
export class MountBoundary {
  private readonly mountKeys = new Map<string, Buffer>();

  private constructor(private readonly secret: Buffer) {}

  /** Loads (or creates, on first unseal) the salt secret. */
  static async open(barrier: Storage): Promise<MountBoundary> {
    const stored = await getJson<{ secret: string }>(barrier, MOUNT_SALT_KEY);
    if (stored) return new MountBoundary(Buffer.from(stored.secret, 'base64'));
    const secret = randomBytes(32);
    await putJson(barrier, MOUNT_SALT_KEY, { secret: secret.toString('base64') });
    return new MountBoundary(secret);
  }

  /** The client token as the mount's backend sees it. */
  clientToken(route: Route, caller: TokenInfo | undefined): string {
    const rule = mountTypeRule(route.entry.type)?.clientToken;
    if (rule) return rule(caller);
    return caller ? this.saltedToken(route.entry, caller.id) : '';
  }

  /** HMAC-SHA256 of the token under a key of the mount's own: stable per mount, different between mounts. */
  saltedToken(entry: MountEntry, token: string): string {
    let key = this.mountKeys.get(entry.uuid);
    if (!key) {
      key = createHmac('sha256', this.secret).update(entry.uuid).digest();
      this.mountKeys.set(entry.uuid, key);
    }
    return createHmac('sha256', key).update(token).digest('hex');
  }

  /** Forget a mount's key when it goes away. */
  forget(entry: MountEntry): void {
    this.mountKeys.delete(entry.uuid);
  }
}

/** Request headers for a backend: the core's own mounts see them all; others only their passthrough list, never the token headers. */
export function backendRequestHeaders(entry: MountEntry, headers: Record<string, string[]>): Record<string, string[]> {
  if (isCoreMount(entry)) return headers;
  const allowed = entry.config.passthrough_request_headers;
  const out: Record<string, string[]> = {};
  for (const key of mountTypeRule(entry.type)?.requestHeaders ?? []) if (headers[key]) out[key] = headers[key]!;
  if (!allowed || allowed.length === 0) return out;
  for (const name of allowed) {
    const key = name.toLowerCase();
    if (DENIED_REQUEST_HEADERS.has(key)) continue;
    const value = headers[key];
    if (value) out[key] = value;
  }
  return out;
}

/** Response headers a backend set: kept for the core's own mounts, otherwise only those the mount allows. */
export function backendResponseHeaders(route: Route, headers: Record<string, string>): Record<string, string> | undefined {
  if (isCoreMount(route.entry)) return headers;
  const allowed = route.entry.config.allowed_response_headers;
  if (!allowed || allowed.length === 0) return undefined;
  const wanted = new Set(allowed.map((h) => h.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (wanted.has(name.toLowerCase())) out[name] = value;
  return out;
}
