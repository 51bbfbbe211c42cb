import { CofferError, type Request, type Response, type SecretType } from '@coffer/sdk';
import { EXPIRATION_MARGIN_SECONDS, withDatabase, type DatabaseContext } from './context.js';
import { credentialTtl } from './credential-ttl.js';
import { readRole } from './role-entry.js';

/** The lease type of dynamic credentials (internal data: username, role, db_name, revocation_statements). */
export const SECRET_CREDS_TYPE = 'creds';

/** Renewal extends the user's expiration in the database; revocation drops the user. */
export function secretCreds(ctx: DatabaseContext): SecretType {
  return {
    type: SECRET_CREDS_TYPE,
    fields: {
      username: { type: 'string', description: 'Username of the database user.' },
      password: { type: 'string', description: 'Password of the database user.' },
    },
    renew: (req) => renewCreds(ctx, req),
    revoke: (req) => revokeCreds(ctx, req),
  };
}

function internalString(req: Request, key: string): string {
  const value = req.secret?.internalData?.[key];
  if (typeof value !== 'string' || value === '') throw new CofferError('internal', `the lease has no "${key}" in its internal data`);
  return value;
}

function internalStatements(req: Request): string[] {
  const value = req.secret?.internalData?.['revocation_statements'];
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
}

async function renewCreds(ctx: DatabaseContext, req: Request): Promise<Response | null> {
  const username = internalString(req, 'username');
  const roleName = internalString(req, 'role');
  const role = await readRole(req.storage, roleName);
  if (!role) throw new CofferError('invalid_request', `error during renew: could not find role with name "${roleName}"`);

  const now = ctx.now();
  const issuedAt = req.secret?.issueTime ? new Date(req.secret.issueTime) : undefined;
  const { ttl, maxTtl } = await credentialTtl(ctx.system, role, {
    increment: req.secret?.increment,
    issuedAt: issuedAt && !Number.isNaN(issuedAt.getTime()) ? issuedAt : undefined,
    now,
  });
  if (ttl > 0) {
    const newExpiration = new Date(now.getTime() + (ttl + EXPIRATION_MARGIN_SECONDS) * 1000);
    await withDatabase(ctx, req.storage, role.db_name, (db) => db.updateUser({ username, expiration: { newExpiration, statements: { commands: role.renew_statements } } }), {
      retryUnavailable: true,
    });
  }
  return { secret: { ...req.secret!, ttl, maxTtl, renewable: true } };
}

async function revokeCreds(ctx: DatabaseContext, req: Request): Promise<Response | null> {
  const username = internalString(req, 'username');
  const roleName = internalString(req, 'role');
  // The role's current statements win; a deleted role falls back to what the lease remembered.
  const role = await readRole(req.storage, roleName);
  const dbName = role?.db_name ?? internalString(req, 'db_name');
  const commands = role ? role.revocation_statements : internalStatements(req);
  await withDatabase(ctx, req.storage, dbName, (db) => db.deleteUser({ username, statements: { commands } }), { retryUnavailable: true });
  return role ? null : { warnings: [`role "${roleName}" no longer exists: the user was dropped with the revocation statements stored in the lease`] };
}
