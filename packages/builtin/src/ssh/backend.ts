import { createBackend, KeyedMutex, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { HmacKeyStore } from '../approle/hmac-key.js';
import type { SshContext } from './context.js';
import { pathConfigCa } from './path-config-ca.js';
import { pathCreds, secretOtp } from './path-creds.js';
import { pathIssue } from './path-issue.js';
import { pathLookup } from './path-lookup.js';
import { pathPublicKey } from './path-public-key.js';
import { pathRoles } from './path-roles.js';
import { pathSign } from './path-sign.js';
import { pathVerify } from './path-verify.js';
import { pathZeroAddress } from './path-zero-address.js';

export interface SshOptions {
  /** Milliseconds since the epoch (tests sign certificates at a chosen time). */
  now?: () => number;
}

const HELP =
  'The SSH secrets engine signs SSH public keys with a certificate authority (config/ca, roles of key_type "ca", ' +
  'sign/<role>, or issue/<role> to have Coffer generate the key pair) so that sshd trusts users and hosts by ' +
  'certificate, and issues one-time passwords (roles of key_type "otp", creds/<role>, verify) for hosts running an ' +
  'OTP helper. The CA public key is served without a token at public_key.';

export async function createSshBackend(conf: BackendConfig, options: SshOptions = {}): Promise<Backend> {
  const ctx: SshContext = {
    system: conf.system,
    now: options.now ?? Date.now,
    locks: new KeyedMutex(),
    hmacKey: new HmacKeyStore(),
  };
  return createBackend({
    type: 'logical',
    help: HELP,
    pathsSpecial: { unauthenticated: ['verify', 'public_key'] },
    paths: [pathConfigCa(ctx.locks), pathPublicKey(), ...pathRoles(), pathSign(ctx), pathIssue(ctx), pathCreds(ctx), pathVerify(ctx), pathLookup(), pathZeroAddress()],
    secrets: [secretOtp()],
    invalidate: (key) => ctx.hmacKey.invalidate(key),
  });
}

export const sshFactory: BackendFactory = (conf) => createSshBackend(conf);
