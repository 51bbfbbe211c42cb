import { randomBytes } from 'node:crypto';
import { CofferError, type FieldSchema, type Request, type TypedFieldData } from '@coffer/sdk';
import { readCaPrivateKey } from './ca-store.js';
import { signCertificate } from './certificate.js';
import type { SshContext } from './context.js';
import { authorizedKeyLine, publicKeyHash, type SshPublicKey } from './public-key.js';
import { KEY_TYPE_CA, readRole, type SshRole } from './role-entry.js';
import { certificateTtl, certificateType, criticalOptions, extensions, keyId, optionMap, RoleViolation, validPrincipals } from './sign-policy.js';
import { SignatureAlgorithmError } from './signature.js';

/** The request fields sign/<role> and issue/<role> share. */
export const certificateRequestFields = {
  role: { type: 'string', description: 'The CA role whose rules the certificate follows.' },
  cert_type: { type: 'string', default: 'user', description: 'Kind of certificate: "user" or "host".' },
  valid_principals: {
    type: 'string',
    description: 'Comma-separated users (user certificates) or host names (host certificates) the certificate is valid for.',
  },
  ttl: { type: 'duration', description: 'Lifetime of the certificate; at most the role\'s max_ttl.' },
  key_id: { type: 'string', description: 'Key ID of the certificate, when the role allows user key IDs.' },
  critical_options: { type: 'map', description: 'Critical options of the certificate (replace the role\'s defaults).' },
  extensions: { type: 'map', description: 'Extensions of the certificate (replace the role\'s defaults), e.g. {"permit-pty": ""}.' },
} satisfies Record<string, FieldSchema>;

/** The CA role a request names, or a 400 in Vault's words. */
export async function caRole(req: Request, roleName: string, unknownMessage: string): Promise<SshRole> {
  const role = await readRole(req.storage, roleName);
  if (!role) throw new CofferError('invalid_request', unknownMessage);
  if (role.key_type !== KEY_TYPE_CA) throw new CofferError('invalid_request', `role key type '${role.key_type}' not allowed to sign keys`);
  return role;
}

/**
 * Applies the role to the request and signs `subject` with the CA key:
 * Vault's `signed_key` and `serial_number`. A request the role does not allow
 * is a 400 before anything is signed.
 */
export async function certificateForRole(
  ctx: SshContext,
  req: Request,
  d: TypedFieldData<typeof certificateRequestFields>,
  roleName: string,
  role: SshRole,
  subject: SshPublicKey,
): Promise<{ signed_key: string; serial_number: string }> {
  try {
    const id = keyId(role, d.values.key_id, { displayName: req.displayName, roleName, publicKeyHash: publicKeyHash(subject) });
    const type = certificateType(role, d.values.cert_type);
    const principals = validPrincipals(role, type, d.has('valid_principals') ? d.values.valid_principals : undefined);
    const ttl = certificateTtl(role, d.has('ttl') ? d.values.ttl : undefined, {
      defaultTtl: await ctx.system.defaultLeaseTtl(),
      maxTtl: await ctx.system.maxLeaseTtl(),
    });
    const options = criticalOptions(role, optionMap(d.values.critical_options, 'critical_options'));
    const exts = extensions(role, optionMap(d.values.extensions, 'extensions'));

    const ca = await readCaPrivateKey(req.storage);
    const now = Math.floor(ctx.now() / 1000);
    const serial = randomBytes(8).readBigUInt64BE();
    const cert = signCertificate(
      {
        subject,
        serial,
        type,
        keyId: id,
        principals,
        validAfter: now - role.not_before_duration,
        validBefore: now + ttl,
        criticalOptions: options,
        extensions: exts,
      },
      ca,
      role.algorithm_signer === 'default' ? undefined : role.algorithm_signer,
    );
    return { serial_number: serial.toString(16), signed_key: authorizedKeyLine(cert.algorithm, cert.blob) };
  } catch (err) {
    if (err instanceof RoleViolation || err instanceof SignatureAlgorithmError) throw new CofferError('invalid_request', err.message);
    throw err;
  }
}
