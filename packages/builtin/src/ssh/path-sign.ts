import { randomBytes } from 'node:crypto';
import { CofferError, genericNameWithAtRegex, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { readCaPrivateKey } from './ca-store.js';
import { signCertificate } from './certificate.js';
import type { SshContext } from './context.js';
import { authorizedKeyLine, parsePublicKeyText, publicKeyHash, PublicKeyError } from './public-key.js';
import { KEY_TYPE_CA, readRole } from './role-entry.js';
import { certificateTtl, certificateType, checkKeyAllowed, criticalOptions, extensions, keyId, optionMap, RoleViolation, validPrincipals } from './sign-policy.js';
import { SignatureAlgorithmError } from './signature.js';

export function pathSign(ctx: SshContext): PathDefinition {
  return {
    pattern: `sign/${genericNameWithAtRegex('role')}`,
    fields: {
      role: { type: 'string', description: 'The CA role whose rules the certificate follows.' },
      public_key: { type: 'string', description: 'The SSH public key to sign (an authorized_keys line or its base64 part).' },
      cert_type: { type: 'string', default: 'user', description: 'Kind of certificate: "user" or "host".' },
      valid_principals: {
        type: 'string',
        description: 'Comma-separated users (user certificates) or host names (host certificates) the certificate is valid for.',
      },
      ttl: { type: 'duration', description: 'Lifetime of the certificate; at most the role\'s max_ttl.' },
      key_id: { type: 'string', description: 'Key ID of the certificate, when the role allows user key IDs.' },
      critical_options: { type: 'map', description: 'Critical options of the certificate (replace the role\'s defaults).' },
      extensions: { type: 'map', description: 'Extensions of the certificate (replace the role\'s defaults), e.g. {"permit-pty": ""}.' },
    },
    operations: {
      update: { callback: (req, d) => sign(ctx, req, d), summary: 'Sign an SSH public key.' },
    },
    helpSynopsis: 'Sign an SSH public key with the CA, following a role.',
    helpDescription: `
Returns an OpenSSH certificate for the public key in "signed_key" and its
serial number (hex) in "serial_number". The role decides the certificate
type, principals, lifetime, critical options and extensions allowed; a
request outside them is refused with 400 and nothing is signed.
`,
  };
}

async function sign(ctx: SshContext, req: Request, d: FieldData): Promise<Response> {
  const roleName = d.get<string>('role');
  const role = await readRole(req.storage, roleName);
  if (!role) throw new CofferError('invalid_request', `Unknown role: ${roleName}`);
  if (role.key_type !== KEY_TYPE_CA) throw new CofferError('invalid_request', `role key type '${role.key_type}' not allowed to sign keys`);

  const publicKeyText = d.get<string>('public_key');
  if (publicKeyText.trim() === '') throw new CofferError('invalid_request', 'missing public_key');
  let subject;
  try {
    subject = parsePublicKeyText(publicKeyText);
  } catch (err) {
    if (err instanceof PublicKeyError) throw new CofferError('invalid_request', `failed to parse public_key as SSH key: ${err.message}`);
    throw err;
  }

  try {
    try {
      checkKeyAllowed(role, subject);
    } catch (err) {
      if (err instanceof RoleViolation) throw new RoleViolation(`public_key failed to meet the key requirements: ${err.message}`);
      throw err;
    }
    const id = keyId(role, d.get<string>('key_id'), { displayName: req.displayName, roleName, publicKeyHash: publicKeyHash(subject) });
    const type = certificateType(role, d.get<string>('cert_type'));
    const principals = validPrincipals(role, type, d.getOk<string>('valid_principals')[0]);
    const [ttlRaw, ttlSet] = d.getOk<number>('ttl');
    const ttl = certificateTtl(role, ttlSet ? ttlRaw : undefined, {
      defaultTtl: await ctx.system.defaultLeaseTtl(),
      maxTtl: await ctx.system.maxLeaseTtl(),
    });
    const options = criticalOptions(role, optionMap(d.get('critical_options'), 'critical_options'));
    const exts = extensions(role, optionMap(d.get('extensions'), 'extensions'));

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
    return { data: { serial_number: serial.toString(16), signed_key: authorizedKeyLine(cert.algorithm, cert.blob) } };
  } catch (err) {
    if (err instanceof RoleViolation || err instanceof SignatureAlgorithmError) throw new CofferError('invalid_request', err.message);
    throw err;
  }
}
