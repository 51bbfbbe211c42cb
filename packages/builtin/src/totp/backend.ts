import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import type { TotpContext } from './context.js';
import { pathCode } from './path-code.js';
import { pathKeys } from './path-keys.js';
import { UsedCodes } from './used-codes.js';

export interface TotpOptions {
  /** Milliseconds since the epoch (tests step through periods). */
  now?: () => number;
}

const HELP =
  'The TOTP secrets engine makes and checks time-based one-time passwords (RFC 6238). As a generator it holds keys ' +
  'from other services (keys/<name> with a url or key) and returns their current code at code/<name>; as a provider ' +
  'it creates keys (generate=true, returning an otpauth:// URL and QR code once) and validates codes users submit, ' +
  'each code only once.';

export async function createTotpBackend(_conf: BackendConfig, options: TotpOptions = {}): Promise<Backend> {
  const now = options.now ?? Date.now;
  const ctx: TotpContext = { now, usedCodes: new UsedCodes(now) };
  return createBackend({
    type: 'logical',
    help: HELP,
    paths: [...pathKeys(ctx), pathCode(ctx)],
  });
}

export const totpFactory: BackendFactory = (conf) => createTotpBackend(conf);
