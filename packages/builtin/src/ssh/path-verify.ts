import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { SshContext } from './context.js';
import { consumeOtp } from './otp-store.js';

/** What vault-ssh-helper sends to check that it can reach the server. */
const ECHO_REQUEST = 'verify-echo-request';

const VERIFY_FIELDS = { otp: { type: 'string', description: 'The one-time password presented at the SSH login.' } } satisfies Record<string, FieldSchema>;

export function pathVerify(ctx: SshContext): PathDefinition {
  return definePath({
    pattern: 'verify',
    fields: VERIFY_FIELDS,
    operations: { update: { callback: (req, d) => verify(ctx, req, d), summary: 'Check and use up a one-time password.' } },
    helpSynopsis: 'Verify a one-time SSH password (unauthenticated; used by the host\'s PAM helper).',
    helpDescription: `
A valid password answers with the username, ip and role_name it was issued
for and is deleted, so it works once. An unknown or used password answers 400
"OTP not found".
`,
  });
}

async function verify(ctx: SshContext, req: Request, d: TypedFieldData<typeof VERIFY_FIELDS>): Promise<Response> {
  const otp = d.values.otp;
  if (otp === '') throw new CofferError('invalid_request', 'Missing OTP');
  if (otp === ECHO_REQUEST) return { data: { message: 'verify-echo-response' } };
  const entry = await consumeOtp(ctx, req.storage, otp);
  if (!entry) throw new CofferError('invalid_request', 'OTP not found');
  return { data: { username: entry.username, ip: entry.ip, role_name: entry.role_name } };
}
