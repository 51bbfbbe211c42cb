import { isIP } from 'node:net';
import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, type PathDefinition, type Request, type Response, type SecretType, type TypedFieldData } from '@coffer/sdk';
import { addressInCidrs } from '../token-fields/index.js';
import type { SshContext } from './context.js';
import { deleteOtpByHmac, issueOtp } from './otp-store.js';
import { commaList, KEY_TYPE_OTP, readRole, type SshRole } from './role-entry.js';
import { zeroAddressRoles } from './zero-address.js';

export const SECRET_OTP_TYPE = 'secret_otp_key';

const CREDS_FIELDS = {
  role: { type: 'string', description: 'The OTP role to issue a one-time password for.' },
  ip: { type: 'string', description: 'Address of the host the password is for; must fall in the role\'s cidr_list.' },
  username: { type: 'string', description: 'User on the host; the role\'s default_user when absent.' },
} satisfies Record<string, FieldSchema>;

export function pathCreds(ctx: SshContext): PathDefinition {
  return definePath({
    pattern: `creds/${genericNameWithAtRegex('role')}`,
    fields: CREDS_FIELDS,
    operations: { update: { callback: (req, d) => createCreds(ctx, req, d), summary: 'Issue a one-time SSH password.' } },
    helpSynopsis: 'Issue a one-time password for an SSH login through an OTP role.',
    helpDescription: `
Returns a one-time password ("key") for username on the host at ip, with a
lease. The host's PAM helper checks it once against verify; revoking the
lease before then withdraws it. Only the password's HMAC is stored.
`,
  });
}

async function createCreds(ctx: SshContext, req: Request, d: TypedFieldData<typeof CREDS_FIELDS>): Promise<Response> {
  const roleName = d.values.role;
  const ipRaw = d.values.ip.trim();
  if (ipRaw === '') throw new CofferError('invalid_request', 'Missing ip');
  const role = await readRole(req.storage, roleName);
  if (!role) throw new CofferError('invalid_request', `Role "${roleName}" not found`);
  if (role.key_type !== KEY_TYPE_OTP) throw new CofferError('invalid_request', `role "${roleName}" is not of key_type otp; sign keys with sign/${roleName}`);

  const username = d.values.username || role.default_user;
  checkUsername(role, username);
  if (isIP(ipRaw) === 0) throw new CofferError('invalid_request', `Invalid IP "${ipRaw}"`);
  if (!(await zeroAddressRoles(req.storage)).includes(roleName) && !ipAllowedByRole(role, ipRaw)) {
    throw new CofferError('invalid_request', 'Error validating IP: IP does not belong to role');
  }

  const { otp, hmac } = await issueOtp(ctx, req.storage, { username, ip: ipRaw, role_name: roleName });
  return {
    data: { key_type: KEY_TYPE_OTP, key: otp, username, ip: ipRaw, port: role.port },
    secret: { ttl: 0, maxTtl: 0, renewable: false, internalData: { secret_type: SECRET_OTP_TYPE, otp_hmac: hmac } },
  };
}

/** In the role's cidr_list and not in its exclude_cidr_list. */
export function ipAllowedByRole(role: SshRole, ip: string): boolean {
  return addressInCidrs(ip, commaList(role.cidr_list)) && !addressInCidrs(ip, commaList(role.exclude_cidr_list));
}

function checkUsername(role: SshRole, username: string): void {
  if (username === role.default_user) return;
  if (role.allowed_users === '') {
    throw new CofferError('invalid_request', 'Username has to be either in allowed users list or has to be a default username');
  }
  if (role.allowed_users !== '*' && !commaList(role.allowed_users).includes(username)) {
    throw new CofferError('invalid_request', 'Username is not present is allowed users list');
  }
}

/** The lease of a one-time password: revoking it deletes the password if still unused. */
export function secretOtp(): SecretType {
  return {
    type: SECRET_OTP_TYPE,
    fields: { key: { type: 'string', description: 'The one-time password.' } },
    revoke: async (req) => {
      const hmac = req.secret?.internalData?.['otp_hmac'];
      if (typeof hmac === 'string' && /^[0-9a-f]{64}$/.test(hmac)) await deleteOtpByHmac(req.storage, hmac);
      return null;
    },
  };
}
