import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { pathCerts } from './path-certs.js';
import { pathConfig } from './path-config.js';
import { pathCrls } from './path-crls.js';
import { pathLogin, renewLogin, type Clock } from './path-login.js';

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
  const now = options.now ?? (() => new Date());
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: { unauthenticated: ['login'] },
    paths: [pathLogin(now), ...pathCerts(), ...pathCrls(), pathConfig()],
    authRenew: renewLogin(now),
  });
}

export const certFactory: BackendFactory = (conf) => createCertBackend(conf);
