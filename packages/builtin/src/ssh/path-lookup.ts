import { isIP } from 'node:net';
import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { ipAllowedByRole } from './path-creds.js';
import { KEY_TYPE_OTP, listRoleNames, readRole } from './role-entry.js';
import { zeroAddressRoles } from './zero-address.js';

const LOOKUP_FIELDS = { ip: { type: 'string', description: 'Address of a host.' } } satisfies Record<string, FieldSchema>;

export function pathLookup(): PathDefinition {
  return definePath({
    pattern: 'lookup',
    fields: LOOKUP_FIELDS,
    operations: { update: { callback: lookup, summary: 'List the OTP roles that cover a host address.' } },
    helpSynopsis: 'List the OTP roles whose CIDR blocks (or the zero-address list) cover an address.',
    helpDescription: 'Answers "roles": the names of the OTP roles creds/<role> would accept the address for.',
  });
}

async function lookup(req: Request, d: TypedFieldData<typeof LOOKUP_FIELDS>): Promise<Response> {
  const ip = d.values.ip.trim();
  if (ip === '') throw new CofferError('invalid_request', 'Missing ip');
  if (isIP(ip) === 0) throw new CofferError('invalid_request', `Invalid IP "${ip}"`);
  const zero = await zeroAddressRoles(req.storage);
  const roles: string[] = [];
  for (const name of await listRoleNames(req.storage)) {
    const role = await readRole(req.storage, name);
    if (role?.key_type === KEY_TYPE_OTP && (zero.includes(name) || ipAllowedByRole(role, ip))) roles.push(name);
  }
  return { data: { roles } };
}
