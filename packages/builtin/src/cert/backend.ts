import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { pathCerts } from './path-certs.js';
import { pathConfig } from './path-config.js';
import { pathCrls } from './path-crls.js';
import { RevokedSerials, type CertContext, type Clock } from './context.js';
import { pathLogin, renewLogin } from './path-login.js';

export interface CertOptions {
  /** The time certificates are checked at (tests move it). */
  now?: Clock;
}

const HELP =
  'The cert auth method lets clients log in with the TLS client certificate they present to the listener. ' +
  'Operators register trusted certificates under "certs/" (a CA, or one client certificate) with constraints and ' +
  'token settings, and revocation lists under "crls/"; a client logs in at "login". Renewing a token requires ' +
  'presenting the same certificate again (unless "config" sets disable_binding).';

export async function createCertBackend(_conf: BackendConfig, options: CertOptions = {}): Promise<Backend> {
  const ctx: CertContext = { now: options.now ?? (() => new Date()), revoked: new RevokedSerials() };
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: { unauthenticated: ['login'] },
    paths: [pathLogin(ctx), ...pathCerts(), ...pathCrls(ctx), pathConfig()],
    authRenew: renewLogin(ctx),
    // Another node changed a CRL: read them again at the next login.
    invalidate: (key) => {
      if (key.startsWith('crls/')) ctx.revoked.forget();
    },
  });
}

export const certFactory: BackendFactory = (conf) => createCertBackend(conf);
