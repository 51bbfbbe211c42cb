import './reflect-polyfill.js';
import { createBackend, KeyedMutex, type BackendConfig, type BackendFactory, type FrameworkBackend, type SystemView } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { periodicCrlRebuild } from './crl-builder.js';
import { isIssuerOrKeyStorageKey } from './issuer-store.js';
import { pathConfigCrl } from './path-config-crl.js';
import { pathConfigUrls } from './path-config-urls.js';
import { pathCrl } from './path-crl.js';
import { pathFetch } from './path-fetch.js';
import { pathIntermediate } from './path-intermediate.js';
import { pathIssue } from './path-issue.js';
import { pathIssuers } from './path-issuers.js';
import { pathKeys } from './path-keys.js';
import { pathOcsp } from './path-ocsp.js';
import { pathRevoke, secretCertificate } from './path-revoke.js';
import { pathRoles } from './path-roles.js';
import { pathRoot } from './path-root.js';
import { pathTidy, periodicAutoTidy } from './path-tidy.js';
import { initialTidyStatus } from './tidy-status.js';

export interface PkiOptions {
  /** The clock of validity periods and revocations; tests pass their own. */
  now?: () => Date;
}

const HELP =
  'The PKI secrets engine is a certificate authority. Generate a root (root/generate/internal) or an intermediate ' +
  '(intermediate/generate/internal, signed elsewhere, then intermediate/set-signed), define roles under roles/:name, and ' +
  'issue certificates with issue/:role (new key) or sign/:role (your CSR). Revoked certificates appear in the CRL (crl) and ' +
  'in the OCSP responder (ocsp); ca, ca_chain, crl, cert/:serial and ocsp need no token.';

/** Vault's unauthenticated PKI paths: what relying parties fetch without a token. */
const UNAUTHENTICATED = [
  'cert/*',
  'ca/pem',
  'ca_chain',
  'ca',
  'crl/delta',
  'crl/delta/pem',
  'crl/pem',
  'crl',
  'issuer/+/crl/der',
  'issuer/+/crl/pem',
  'issuer/+/crl',
  'issuer/+/crl/delta/der',
  'issuer/+/crl/delta/pem',
  'issuer/+/crl/delta',
  'issuer/+/pem',
  'issuer/+/der',
  'issuer/+/json',
  'issuers/',
  'ocsp',
  'ocsp/*',
];

export function createPkiBackend(conf: BackendConfig, options: PkiOptions = {}): FrameworkBackend {
  const ctx: PkiContext = {
    logger: conf.logger.child({ engine: 'pki' }),
    now: options.now ?? (() => new Date()),
    locks: new KeyedMutex(),
    issuerCache: new Map(),
    tidy: initialTidyStatus(),
  };
  const system = (): SystemView => conf.system;
  return createBackend({
    type: 'logical',
    help: HELP,
    pathsSpecial: { root: ['root', 'root/sign-self-issued'], unauthenticated: UNAUTHENTICATED, sealWrapStorage: ['config/key/*', 'config/issuer/*'] },
    paths: [
      ...pathRoot(ctx, system),
      ...pathIntermediate(ctx),
      ...pathIssuers(ctx),
      ...pathKeys(ctx),
      ...pathRoles(),
      ...pathIssue(ctx, system),
      ...pathRevoke(ctx),
      ...pathFetch(ctx),
      ...pathCrl(ctx),
      pathConfigCrl(ctx),
      pathConfigUrls(),
      ...pathOcsp(ctx),
      ...pathTidy(ctx),
    ],
    secrets: [secretCertificate(ctx)],
    periodic: async ({ storage }) => {
      await periodicCrlRebuild(ctx, storage);
      await periodicAutoTidy(ctx, storage);
    },
    invalidate: (key) => {
      // Another node changed an issuer or key: load it afresh on next use.
      if (isIssuerOrKeyStorageKey(key)) ctx.issuerCache.clear();
    },
  });
}

export const pkiFactory: BackendFactory = async (conf) => createPkiBackend(conf);
