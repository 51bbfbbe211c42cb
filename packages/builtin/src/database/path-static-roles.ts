import { CofferError, definePath, type FieldSchema, genericNameRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { roleAllowed } from './allowed-roles.js';
import { readConfig } from './config-entry.js';
import type { DatabaseContext } from './context.js';
import { checkSchedule, MIN_ROTATION_PERIOD_SECONDS, MIN_ROTATION_WINDOW_SECONDS, nextRotation } from './rotation-schedule.js';
import { deleteStaticRole, deleteWal, listStaticRoles, newStaticRole, readStaticRole, writeStaticRole, type StaticRoleEntry } from './static-role-entry.js';
import type { StaticRotator } from './static-rotation.js';

const STATIC_ROLE_FIELDS = {
  name: { type: 'string', description: 'Name of the static role.' },
  db_name: { type: 'string', description: 'Name of the database connection the user lives in. Required; cannot change.' },
  username: { type: 'string', description: 'The existing database user whose password is rotated. Required; cannot change.' },
  rotation_period: { type: 'duration', description: 'Time between rotations (at least 5s). Give this or rotation_schedule.' },
  rotation_schedule: { type: 'string', description: 'A cron expression (5 fields, UTC) of when to rotate. Give this or rotation_period.' },
  rotation_window: { type: 'duration', description: 'With rotation_schedule: how long after a scheduled time a missed rotation may still run (at least 1h).' },
  rotation_statements: { type: 'string-slice', description: 'Statements that set the password ({{name}}/{{username}}, {{password}}); empty for the plugin\'s default.' },
  credential_type: { type: 'string', default: 'password', allowedValues: ['password'], description: 'The kind of credential: only "password".' },
} satisfies Record<string, FieldSchema>;

type StaticRoleFields = TypedFieldData<typeof STATIC_ROLE_FIELDS>;

/** static-roles/ and static-roles/:name: existing database users whose passwords Coffer rotates. */
export function pathStaticRoles(ctx: DatabaseContext, rotator: StaticRotator): PathDefinition[] {
  return [
    {
      pattern: 'static-roles/?',
      operations: {
        list: { callback: async (req) => listResponse(await listStaticRoles(req.storage)), summary: 'List the static roles.' },
      },
      helpSynopsis: 'List the static roles.',
      helpDescription: 'A LIST returns the names of every static role of this mount.',
    },
    definePath({
      pattern: `static-roles/${genericNameRegex('name')}`,
      fields: STATIC_ROLE_FIELDS,
      existenceCheck: async (req, d) => (await readStaticRole(req.storage, d.values.name)) !== null,
      operations: {
        create: { callback: (req, d) => writeStaticRoleFromRequest(ctx, rotator, req, d), summary: 'Create a static role (its password is rotated at once).' },
        update: { callback: (req, d) => writeStaticRoleFromRequest(ctx, rotator, req, d), summary: 'Change a static role\'s rotation.' },
        read: { callback: readStaticRoleResponse(ctx), summary: 'Read a static role.' },
        delete: {
          callback: async (req, d) => {
            const name = d.values.name;
            await ctx.locks.run(`static-role/${name}`, async () => {
              rotator.unschedule(name);
              await deleteStaticRole(req.storage, name);
              await deleteWal(req.storage, name);
            });
            return null;
          },
          summary: 'Delete a static role (the database user stays, with its last password).',
        },
      },
      helpSynopsis: 'Manage static roles: database users whose passwords Coffer rotates.',
      helpDescription:
        'Creating a static role sets a new password for the user at once (the user must exist), then rotates it every ' +
        'rotation_period or on rotation_schedule. Read the current password from static-creds/:name; force a rotation ' +
        'with rotate-role/:name. A failed rotation keeps the old password, is retried with backoff, and shows in ' +
        'last_rotation_error.',
    }),
  ];
}

async function writeStaticRoleFromRequest(ctx: DatabaseContext, rotator: StaticRotator, req: Request, d: StaticRoleFields): Promise<Response | null> {
  const name = d.values.name;
  const existing = await readStaticRole(req.storage, name);
  const role: StaticRoleEntry = existing ? { ...existing } : newStaticRole();

  for (const field of ['db_name', 'username'] as const) {
    const sent = d.has(field);
    const given = d.values[field].trim();
    if (existing && sent && given !== existing[field]) throw new CofferError('invalid_request', `cannot change ${field} of an existing static role`);
    if (!existing && sent) role[field] = given;
  }
  if (!role.db_name) throw new CofferError('invalid_request', 'db_name is required: the name of a configured connection');
  if (!role.username) throw new CofferError('invalid_request', 'username is required: the database user whose password is rotated');

  const hasPeriod = d.has('rotation_period');
  const period = d.values.rotation_period;
  const hasSchedule = d.has('rotation_schedule');
  const schedule = d.values.rotation_schedule;
  const hasWindow = d.has('rotation_window');
  const window = d.values.rotation_window;
  if (hasPeriod && hasSchedule && period > 0 && schedule !== '') throw new CofferError('invalid_request', 'mutually exclusive fields rotation_period and rotation_schedule were both specified');
  if (hasPeriod) {
    role.rotation_period = period;
    if (role.rotation_period > 0) role.rotation_schedule = '';
  }
  if (hasSchedule) {
    role.rotation_schedule = schedule.trim();
    if (role.rotation_schedule) {
      checkSchedule(role.rotation_schedule);
      role.rotation_period = 0;
    }
  }
  if (hasWindow) role.rotation_window = window;
  if (!role.rotation_schedule && role.rotation_period === 0) throw new CofferError('invalid_request', 'one of rotation_period or rotation_schedule is required');
  if (!role.rotation_schedule && role.rotation_period < MIN_ROTATION_PERIOD_SECONDS) throw new CofferError('invalid_request', `rotation_period must be ${MIN_ROTATION_PERIOD_SECONDS} seconds or more`);
  if (role.rotation_window > 0 && !role.rotation_schedule) throw new CofferError('invalid_request', 'rotation_window is only valid with rotation_schedule');
  if (role.rotation_window > 0 && role.rotation_window < MIN_ROTATION_WINDOW_SECONDS) throw new CofferError('invalid_request', `rotation_window must be ${MIN_ROTATION_WINDOW_SECONDS} seconds or more`);
  const hasStatements = d.has('rotation_statements');
  const statements = d.values.rotation_statements;
  if (hasStatements) role.rotation_statements = statements.filter((s) => s.trim() !== '');
  const credentialType = d.values.credential_type;
  if (credentialType !== 'password') throw new CofferError('invalid_request', `credential_type "${credentialType}" is not supported: only "password"`);

  const config = await readConfig(req.storage, role.db_name);
  if (!config) throw new CofferError('invalid_request', `no database connection named "${role.db_name}" is configured`);
  if (!roleAllowed(config.allowed_roles, name)) throw new CofferError('invalid_request', `"${name}" is not an allowed role: add it to allowed_roles of the connection "${role.db_name}"`);

  if (!existing) {
    // The first rotation takes the user over; the role is stored only if it worked.
    await rotator.rotate(req.storage, name, role);
    return null;
  }
  await ctx.locks.run(`static-role/${name}`, async () => {
    const current = (await readStaticRole(req.storage, name)) ?? role;
    const updated: StaticRoleEntry = { ...current, rotation_period: role.rotation_period, rotation_schedule: role.rotation_schedule, rotation_window: role.rotation_window, rotation_statements: role.rotation_statements };
    updated.next_vault_rotation = nextRotation(updated, current.last_vault_rotation || ctx.now().getTime());
    await writeStaticRole(req.storage, name, updated);
    rotator.schedule(name, updated.next_vault_rotation);
  });
  return null;
}

function readStaticRoleResponse(ctx: DatabaseContext) {
  return async (req: Request, d: StaticRoleFields): Promise<Response | null> => {
    const role = await readStaticRole(req.storage, d.values.name);
    if (!role) return null;
    return { data: staticRoleData(role, ctx.now().getTime()) };
  };
}

/** What static-roles and static-creds show about the rotation (never the password). */
export function staticRoleData(role: StaticRoleEntry, now: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    db_name: role.db_name,
    username: role.username,
    rotation_statements: role.rotation_statements,
    credential_type: role.credential_type,
    last_vault_rotation: new Date(role.last_vault_rotation).toISOString(),
    ttl: Math.max(0, Math.floor((role.next_vault_rotation - now) / 1000)),
  };
  if (role.rotation_schedule) {
    data['rotation_schedule'] = role.rotation_schedule;
    data['rotation_window'] = role.rotation_window;
  } else {
    data['rotation_period'] = role.rotation_period;
  }
  if (role.last_rotation_error) {
    data['last_rotation_error'] = role.last_rotation_error;
    data['failed_rotations'] = role.failed_rotations;
  }
  return data;
}
