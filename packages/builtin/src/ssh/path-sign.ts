import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { SshContext } from './context.js';
import { parsePublicKeyText, PublicKeyError } from './public-key.js';
import { caRole, certificateForRole, certificateRequestFields } from './role-certificate.js';
import { checkKeyAllowed, RoleViolation } from './sign-policy.js';

const SIGN_FIELDS = {
  ...certificateRequestFields,
  public_key: { type: 'string', description: 'The SSH public key to sign (an authorized_keys line or its base64 part).' },
} satisfies Record<string, FieldSchema>;

export function pathSign(ctx: SshContext): PathDefinition {
  return definePath({
    pattern: `sign/${genericNameWithAtRegex('role')}`,
    fields: SIGN_FIELDS,
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
  });
}

async function sign(ctx: SshContext, req: Request, d: TypedFieldData<typeof SIGN_FIELDS>): Promise<Response> {
  const roleName = d.values.role;
  const role = await caRole(req, roleName, `Unknown role: ${roleName}`);
  const publicKeyText = d.values.public_key;
  if (publicKeyText.trim() === '') throw new CofferError('invalid_request', 'missing public_key');
  let subject;
  try {
    subject = parsePublicKeyText(publicKeyText);
    checkKeyAllowed(role, subject);
  } catch (err) {
    if (err instanceof PublicKeyError) throw new CofferError('invalid_request', `failed to parse public_key as SSH key: ${err.message}`);
    if (err instanceof RoleViolation) throw new CofferError('invalid_request', `public_key failed to meet the key requirements: ${err.message}`);
    throw err;
  }
  return { data: await certificateForRole(ctx, req, d, roleName, role, subject) };
}
