import { randomUUID } from 'node:crypto';
import { CofferError, definePath, type PathDefinition } from '@coffer/sdk';
import { listWithInfo } from '../format.js';
import type { IdentityStore } from '../store.js';
import { deleteEnforcement, listEnforcementNames, readEnforcement, readMethod, writeEnforcement, type LoginEnforcement } from './records.js';

const enforcementFields = {
  name: { type: 'string', description: 'Name of the login enforcement.' },
  mfa_method_ids: { type: 'comma-string-slice', description: 'MFA methods a matching login must pass (any one of them). Required.' },
  auth_method_accessors: { type: 'comma-string-slice', description: 'Auth mount accessors whose logins it applies to.' },
  auth_method_types: { type: 'comma-string-slice', description: 'Auth method types whose logins it applies to.' },
  identity_group_ids: { type: 'comma-string-slice', description: 'Groups whose member entities it applies to.' },
  identity_entity_ids: { type: 'comma-string-slice', description: 'Entities it applies to.' },
} as const;

function enforcementData(e: LoginEnforcement): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    namespace_id: 'root',
    mfa_method_ids: e.mfaMethodIds,
    auth_method_accessors: e.authMethodAccessors,
    auth_method_types: e.authMethodTypes,
    identity_group_ids: e.identityGroupIds,
    identity_entity_ids: e.identityEntityIds,
  };
}

/** identity/mfa/login-enforcement/:name: which logins need which MFA methods. */
export function loginEnforcementPaths(store: IdentityStore): PathDefinition[] {
  return [
    definePath({
      pattern: 'mfa/login-enforcement/(?<name>[^/]+)',
      fields: enforcementFields,
      operations: {
        read: { summary: 'Read a login enforcement.', callback: async (req, d) => {
          const e = await readEnforcement(req.storage, d.values.name);
          return e ? { data: enforcementData(e) } : null;
        } },
        update: { summary: 'Create or update a login enforcement.', callback: async (req, d) => {
          const existing = await readEnforcement(req.storage, d.values.name);
          const keep = (field: keyof typeof enforcementFields, value: string[], current: string[] | undefined) => (existing && !d.has(field) ? current ?? [] : value);
          const e: LoginEnforcement = {
            id: existing?.id ?? randomUUID(),
            name: d.values.name,
            mfaMethodIds: keep('mfa_method_ids', d.values.mfa_method_ids, existing?.mfaMethodIds),
            authMethodAccessors: keep('auth_method_accessors', d.values.auth_method_accessors, existing?.authMethodAccessors),
            authMethodTypes: keep('auth_method_types', d.values.auth_method_types, existing?.authMethodTypes),
            identityGroupIds: keep('identity_group_ids', d.values.identity_group_ids, existing?.identityGroupIds),
            identityEntityIds: keep('identity_entity_ids', d.values.identity_entity_ids, existing?.identityEntityIds),
          };
          if (e.mfaMethodIds.length === 0) throw new CofferError('invalid_request', 'missing method ids');
          for (const id of e.mfaMethodIds) if (!(await readMethod(req.storage, id))) throw new CofferError('invalid_request', `failed to get MFA method "${id}"`);
          if (e.authMethodAccessors.length + e.authMethodTypes.length + e.identityGroupIds.length + e.identityEntityIds.length === 0) {
            throw new CofferError('invalid_request', 'One of auth_method_accessors, auth_method_types, identity_group_ids, identity_entity_ids must be specified');
          }
          for (const a of e.authMethodAccessors) if (!store.mount(a)) throw new CofferError('invalid_request', `mount accessor "${a}" not found`);
          for (const g of e.identityGroupIds) if (!store.group(g)) throw new CofferError('invalid_request', `identity group "${g}" not found`);
          for (const id of e.identityEntityIds) if (!store.entity(id)) throw new CofferError('invalid_request', `identity entity "${id}" not found`);
          await writeEnforcement(req.storage, e);
          store.noteMfaChange();
          return null;
        } },
        delete: { summary: 'Delete a login enforcement.', callback: async (req, d) => {
          await deleteEnforcement(req.storage, d.values.name);
          store.noteMfaChange();
          return null;
        } },
      },
      helpSynopsis: 'Manage a login MFA enforcement.',
      helpDescription: 'A login through a listed auth mount or auth method type, or by a listed entity or a member of a listed group, must pass one of the listed MFA methods.',
    }),
    definePath({
      pattern: 'mfa/login-enforcement/?',
      fields: {},
      operations: { list: { summary: 'List login enforcements.', callback: async (req) => {
        const rows: Array<[string, Record<string, unknown>]> = [];
        for (const name of await listEnforcementNames(req.storage)) {
          const e = await readEnforcement(req.storage, name);
          if (e) rows.push([name, enforcementData(e)]);
        }
        return listWithInfo(rows);
      } } },
      helpSynopsis: 'List login MFA enforcements.',
      helpDescription: 'With key_info: each enforcement\'s settings.',
    }),
  ];
}
