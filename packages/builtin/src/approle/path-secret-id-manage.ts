import { CofferError, definePath, type FieldSchema, genericNameRegex, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { roleNameField, secretIdLockKey, type ApproleContext } from './context.js';
import { canonicalRoleName, readRole, type RoleEntry } from './role-entry.js';
import {
  accessorExists,
  isExpired,
  locateByAccessor,
  locateSecretId,
  loadSecretId,
  removeSecretId,
  secretIdResponseData,
  type SecretIdLocation,
} from './secret-id-store.js';

const secretIdField = { type: 'string', description: 'The secret ID.', displayAttrs: { sensitive: true } } as const;
const accessorField = { type: 'string', description: 'The accessor of the secret ID.' } as const;

type BySecretFields = TypedFieldData<{ role_name: typeof roleNameField; secret_id: typeof secretIdField }>;
type ByAccessorFields = TypedFieldData<{ role_name: typeof roleNameField; secret_id_accessor: typeof accessorField }>;

/** Lookup and destroy of one secret ID, by the secret ID itself or by its accessor. */
export function pathSecretIdManage(ctx: ApproleContext): PathDefinition[] {
  const destroyBySecret = (req: Request, d: BySecretFields) => withSecretId(ctx, req, d, destroy(ctx));
  const destroyByAccessor = (req: Request, d: ByAccessorFields) => withAccessor(ctx, req, d, destroy(ctx), true);
  return [
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/secret-id/lookup/?$`,
      fields: { role_name: roleNameField, secret_id: secretIdField },
      operations: {
        update: { summary: 'Read the properties of a secret ID.', callback: (req, d) => withSecretId(ctx, req, d, lookup(ctx)) },
      },
      helpSynopsis: 'Read the properties of a secret ID.',
      helpDescription: 'Returns the accessor, use count, TTL, times, metadata and CIDR restrictions of a secret ID of the role.',
    }),
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/secret-id/destroy/?$`,
      fields: { role_name: roleNameField, secret_id: { ...secretIdField, query: true } },
      operations: {
        update: { summary: 'Destroy a secret ID.', callback: destroyBySecret },
        delete: { summary: 'Destroy a secret ID.', callback: destroyBySecret },
      },
      helpSynopsis: 'Destroy a secret ID.',
      helpDescription: 'The secret ID can no longer be used to log in. Tokens issued with it are not revoked.',
    }),
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/secret-id-accessor/lookup/?$`,
      fields: { role_name: roleNameField, secret_id_accessor: accessorField },
      operations: {
        update: {
          summary: 'Read the properties of a secret ID through its accessor.',
          callback: (req, d) => withAccessor(ctx, req, d, lookup(ctx), false),
        },
      },
      helpSynopsis: 'Read the properties of a secret ID through its accessor.',
      helpDescription:
        'Accessors are listed by a LIST on "role/<role_name>/secret-id"; they identify a secret ID without being usable to log in.',
    }),
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/secret-id-accessor/destroy/?$`,
      fields: { role_name: roleNameField, secret_id_accessor: { ...accessorField, query: true } },
      operations: {
        update: { summary: 'Destroy a secret ID through its accessor.', callback: destroyByAccessor },
        delete: { summary: 'Destroy a secret ID through its accessor.', callback: destroyByAccessor },
      },
      helpSynopsis: 'Destroy a secret ID through its accessor.',
      helpDescription: 'The secret ID the accessor identifies can no longer be used to log in.',
    }),
  ];
}

type SecretIdAction = (req: Request, loc: SecretIdLocation, onMissing: 'null' | 'deny') => Promise<Response | null>;

async function roleFor(req: Request, d: TypedFieldData<{ role_name: typeof roleNameField }>): Promise<{ name: string; role: RoleEntry }> {
  const name = canonicalRoleName(d.values.role_name);
  const role = await readRole(req.storage, name);
  if (!role) throw new CofferError('invalid_request', `role "${name}" does not exist`);
  return { name, role };
}

async function withSecretId(ctx: ApproleContext, req: Request, d: BySecretFields, action: SecretIdAction): Promise<Response | null> {
  const secretId = d.values.secret_id;
  if (secretId === '') throw new CofferError('invalid_request', 'missing secret_id');
  const { name, role } = await roleFor(req, d);
  return action(req, await locateSecretId(ctx, req.storage, name, role, secretId), 'null');
}

async function withAccessor(
  ctx: ApproleContext,
  req: Request,
  d: ByAccessorFields,
  action: SecretIdAction,
  denyWhenGone: boolean,
): Promise<Response | null> {
  const accessor = d.values.secret_id_accessor;
  if (accessor === '') throw new CofferError('invalid_request', 'missing secret_id_accessor');
  const { name, role } = await roleFor(req, d);
  const loc = await locateByAccessor(ctx, req.storage, name, role, accessor);
  if (!loc) throw new CofferError('not_found', `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(accessor)}`);
  return action(req, loc, denyWhenGone ? 'deny' : 'null');
}

function lookup(ctx: ApproleContext): SecretIdAction {
  return (req, loc) =>
    ctx.locks.run(secretIdLockKey(loc.secretIdHmac), async () => {
      const entry = await loadSecretId(req.storage, loc);
      if (!entry) return null;
      // A secret ID whose accessor is gone is half-deleted: finish the job.
      if (!(await accessorExists(ctx, req.storage, loc.prefixes, entry.secret_id_accessor))) {
        await removeSecretId(ctx, req.storage, loc, null);
        throw new CofferError('invalid_request', 'invalid secret id');
      }
      if (isExpired(entry, ctx.now())) {
        await removeSecretId(ctx, req.storage, loc, entry);
        return null;
      }
      return { data: secretIdResponseData(entry) };
    });
}

function destroy(ctx: ApproleContext): SecretIdAction {
  return (req, loc, onMissing) =>
    ctx.locks.run(secretIdLockKey(loc.secretIdHmac), async () => {
      const entry = await loadSecretId(req.storage, loc);
      if (!entry) {
        if (onMissing === 'deny') throw new CofferError('permission_denied', 'invalid secret id accessor');
        return null;
      }
      await removeSecretId(ctx, req.storage, loc, entry);
      return null;
    });
}
