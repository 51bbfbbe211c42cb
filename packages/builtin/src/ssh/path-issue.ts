import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { SshContext } from './context.js';
import { generateCaKey, issuedPrivateKeyText, PrivateKeyError } from './private-key.js';
import { sshPublicKeyOf } from './public-key.js';
import { caRole, certificateForRole, certificateRequestFields } from './role-certificate.js';
import { checkKeyAllowed, RoleViolation } from './sign-policy.js';

const ISSUE_FIELDS = {
  ...certificateRequestFields,
  key_type: { type: 'string', default: 'rsa', description: 'Type of the key pair to generate: rsa, ec or ed25519.' },
  key_bits: { type: 'int', default: 0, description: 'RSA modulus (default 4096) or, for ec, the curve: 256 (default), 384 or 521.' },
} satisfies Record<string, FieldSchema>;

export function pathIssue(ctx: SshContext): PathDefinition {
  return definePath({
    pattern: `issue/${genericNameWithAtRegex('role')}`,
    fields: ISSUE_FIELDS,
    operations: {
      update: { callback: (req, d) => issue(ctx, req, d), summary: 'Generate a key pair and sign its public key.' },
    },
    helpSynopsis: 'Generate an SSH key pair and a certificate for it, following a role.',
    helpDescription: `
Like sign/<role>, but Coffer generates the key pair: the answer adds the
private key ("private_key": PEM for rsa and ec, OpenSSH format for ed25519)
and "private_key_type". The private key is not stored. Prefer sign/<role>
with a key made on the client when the private key should never travel.
`,
  });
}

async function issue(ctx: SshContext, req: Request, d: TypedFieldData<typeof ISSUE_FIELDS>): Promise<Response> {
  const roleName = d.values.role;
  const role = await caRole(req, roleName, `unknown role: ${roleName}`);
  const keyType = d.values.key_type;
  if (!['rsa', 'ec', 'ed25519'].includes(keyType)) throw new CofferError('invalid_request', `unknown key_type "${keyType}": use rsa, ec or ed25519`);
  let key;
  try {
    key = await generateCaKey(keyType, d.values.key_bits);
  } catch (err) {
    if (err instanceof PrivateKeyError) throw new CofferError('invalid_request', err.message);
    throw err;
  }
  const subject = sshPublicKeyOf(key);
  try {
    checkKeyAllowed(role, subject);
  } catch (err) {
    if (err instanceof RoleViolation) throw new CofferError('invalid_request', `provided key_type or key_bits not allowed by role: ${err.message}`);
    throw err;
  }
  const certificate = await certificateForRole(ctx, req, d, roleName, role, subject);
  return { data: { ...certificate, private_key: issuedPrivateKeyText(key), private_key_type: keyType } };
}
