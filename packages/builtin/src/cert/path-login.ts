import { CofferError, definePath, type Auth, type OperationCallback, type PathDefinition, type Request } from '@coffer/sdk';
import { addressInCidrs, applyTokenParams, equivalentPolicies } from '../token-fields/index.js';
import { readCertEntry } from './cert-entry.js';
import { readCertConfig } from './config-entry.js';
import type { CertContext } from './context.js';
import { extensionMetadata } from './constraints.js';
import { colonHex, type ParsedCertificate } from './parsed-certificate.js';
import { presentedCertificates, verifyCredentials } from './verify-credentials.js';

export function pathLogin(ctx: CertContext): PathDefinition {
  return definePath({
    pattern: 'login',
    fields: {
      name: { type: 'string', description: 'Only try the trusted certificate with this name (default: every one).' },
    },
    operations: {
      update: {
        summary: 'Log in with the client certificate presented on the TLS connection.',
        callback: (req, d) => login(ctx, req, d.values.name),
      },
      'alias-lookahead': {
        summary: 'Tell the core which alias a login on this path would use: the certificate\'s common name.',
        callback: async (req) => ({ auth: aliasOnlyAuth(presentedCertificates(req)[0]!.commonName) }),
      },
      'resolve-role': {
        summary: 'Tell the core which trusted certificate a login on this path would use.',
        callback: async (req, d) => {
          const { entry } = await verifyCredentials(ctx, req, d.values.name);
          return { data: { role: entry.name } };
        },
      },
    },
    helpSynopsis: 'Log in with a TLS client certificate.',
    helpDescription:
      'The client presents its certificate in the TLS handshake with the listener (which asks for one unless ' +
      'tls_disable_client_certs is set). The login succeeds when a trusted certificate (certs/<name>, or only ' +
      '"name" when given) is the client\'s own certificate or a CA that issued it, the chain is valid now, no ' +
      'certificate of the chain is on a stored CRL, and the entry\'s allowed_* and required_extensions ' +
      'constraints are met. The token carries the entry\'s token settings; its alias is the certificate\'s common name.',
  });
}

async function login(ctx: CertContext, req: Request, certName: string): Promise<{ auth: Auth }> {
  const config = await readCertConfig(req.storage);
  const { entry, client } = await verifyCredentials(ctx, req, certName);
  if (entry.token_bound_cidrs.length > 0) {
    const remote = req.connection?.remoteAddress;
    if (!remote || !addressInCidrs(remote, entry.token_bound_cidrs)) throw new CofferError('permission_denied', 'permission denied');
  }
  const metadata: Record<string, string> = {
    cert_name: entry.name,
    common_name: client.commonName,
    serial_number: client.serial.toString(),
    subject_key_id: colonHex(client.subjectKeyId),
    authority_key_id: colonHex(client.authorityKeyId),
    ...extensionMetadata(client, entry),
  };
  const auth = applyTokenParams(
    {
      internalData: clientIdentity(client),
      displayName: entry.display_name,
      metadata,
      alias: { name: client.commonName, ...(config.enable_identity_alias_metadata ? { metadata: { ...metadata } } : {}) },
    },
    entry,
  );
  return { auth };
}

/**
 * What renewal compares the presented certificate with: the base64 key
 * identifiers, as Vault keeps them (a certificate re-issued for the same key
 * by the same CA still renews). A certificate without a subject key
 * identifier is recognised by its serial number instead.
 */
function clientIdentity(client: ParsedCertificate): Record<string, string> {
  const identity: Record<string, string> = {
    subject_key_id: client.subjectKeyId.toString('base64'),
    authority_key_id: client.authorityKeyId.toString('base64'),
  };
  if (client.subjectKeyId.length === 0) identity['serial_number'] = client.serial.toString();
  return identity;
}

function sameClient(presented: Record<string, string>, original: Record<string, unknown>): boolean {
  return Object.entries(presented).every(([key, value]) => original[key] === value);
}

/**
 * Renewal of a token from a certificate login. Unless the mount's config
 * says disable_binding, the client must present again a certificate that
 * the same trusted entry still accepts (chain, CRLs, constraints), with the
 * same subject and authority key identifiers as at login. The entry must
 * still exist with the same policies; its current TTLs apply.
 */
export function renewLogin(ctx: CertContext): OperationCallback {
  return async (req) => {
    const auth = req.auth;
    if (!auth) throw new CofferError('invalid_request', 'request has no auth to renew');
    const certName = auth.metadata['cert_name'] ?? '';
    const config = await readCertConfig(req.storage);
    if (!config.disable_binding) {
      const { client } = await verifyCredentials(ctx, req, certName);
      const presented = clientIdentity(client);
      const original = auth.internalData ?? {};
      if (!sameClient(presented, original)) {
        throw new CofferError('invalid_request', 'client identity during renewal not matching client identity used during login');
      }
    }
    const entry = certName === '' ? null : await readCertEntry(req.storage, certName);
    if (!entry) throw new CofferError('invalid_request', 'the trusted certificate of this token no longer exists; not renewing');
    if (!equivalentPolicies(entry.token_policies, auth.tokenPolicies ?? auth.policies)) {
      throw new CofferError('invalid_request', 'policies have changed, not renewing');
    }
    return { auth: { ...auth, ttl: entry.token_ttl, maxTtl: entry.token_max_ttl, period: entry.token_period } };
  };
}

function aliasOnlyAuth(name: string): Auth {
  return { policies: [], metadata: {}, displayName: '', ttl: 0, maxTtl: 0, renewable: false, alias: { name } };
}
