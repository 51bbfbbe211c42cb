import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { commaList, readRole } from './role-entry.js';
import { deleteZeroAddressRoles, writeZeroAddressRoles, zeroAddressRoles } from './zero-address.js';

const ZERO_ADDRESS_FIELDS = { roles: { type: 'comma-string-slice', description: 'OTP roles that issue passwords for any host address.' } } satisfies Record<string, FieldSchema>;

export function pathZeroAddress(): PathDefinition {
  return definePath({
    pattern: 'config/zeroaddress',
    fields: ZERO_ADDRESS_FIELDS,
    operations: {
      read: { callback: readConfig, summary: 'Read the roles that accept any address.' },
      update: { callback: writeConfig, summary: 'Set the roles that accept any address.' },
      delete: {
        callback: async (req) => {
          await deleteZeroAddressRoles(req.storage);
          return null;
        },
        summary: 'Clear the list.',
      },
    },
    helpSynopsis: 'Name the OTP roles that may issue passwords for any host address.',
    helpDescription: `
An OTP role normally issues passwords only for addresses in its cidr_list.
Roles listed here accept any address (as a cidr_list of 0.0.0.0/0 would).
Each role must exist; a write replaces the list.
`,
  });
}

async function readConfig(req: Request): Promise<Response | null> {
  const roles = await zeroAddressRoles(req.storage);
  return roles.length === 0 ? null : { data: { roles } };
}

async function writeConfig(req: Request, d: TypedFieldData<typeof ZERO_ADDRESS_FIELDS>): Promise<Response | null> {
  const roles = commaList(d.values.roles.join(','));
  if (roles.length === 0) throw new CofferError('invalid_request', 'Missing roles');
  for (const role of roles) {
    if (!(await readRole(req.storage, role))) throw new CofferError('invalid_request', `Role "${role}" does not exist`);
  }
  await writeZeroAddressRoles(req.storage, roles);
  return null;
}
