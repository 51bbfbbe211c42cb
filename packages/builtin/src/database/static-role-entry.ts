import { getJson, putJson, type Storage } from '@coffer/sdk';

/** A static role: one existing database user whose password Coffer rotates, as stored under static-role/<name>. */
export interface StaticRoleEntry {
  db_name: string;
  username: string;
  /** Seconds between rotations; 0 when a schedule is used. */
  rotation_period: number;
  /** A 5-field cron expression (UTC); "" when a period is used. */
  rotation_schedule: string;
  /** Seconds after a scheduled time within which a missed rotation still runs; 0 = no limit. */
  rotation_window: number;
  rotation_statements: string[];
  credential_type: 'password';
  /** The current password (stored behind the barrier like every engine secret). */
  password: string;
  /** ms since the epoch of the last successful rotation. */
  last_vault_rotation: number;
  /** ms since the epoch when the next rotation is due: the persisted rotation queue. */
  next_vault_rotation: number;
  /** Why the last rotation attempt failed ("" after a success); shown on reads so failures are visible. */
  last_rotation_error: string;
  /** Failed attempts since the last success (drives the retry backoff). */
  failed_rotations: number;
}

/** The write-ahead entry of a rotation in progress: the password about to be set in the database. */
export interface RotationWal {
  password: string;
  /** ms since the epoch. */
  started: number;
}

const ROLE_PREFIX = 'static-role/';
const WAL_PREFIX = 'static-wal/';

export function newStaticRole(): StaticRoleEntry {
  return {
    db_name: '',
    username: '',
    rotation_period: 0,
    rotation_schedule: '',
    rotation_window: 0,
    rotation_statements: [],
    credential_type: 'password',
    password: '',
    last_vault_rotation: 0,
    next_vault_rotation: 0,
    last_rotation_error: '',
    failed_rotations: 0,
  };
}

export async function readStaticRole(storage: Storage, name: string): Promise<StaticRoleEntry | null> {
  const stored = await getJson<Partial<StaticRoleEntry>>(storage, ROLE_PREFIX + name);
  return stored ? { ...newStaticRole(), ...stored } : null;
}

export function writeStaticRole(storage: Storage, name: string, role: StaticRoleEntry): Promise<void> {
  return putJson(storage, ROLE_PREFIX + name, role);
}

export function deleteStaticRole(storage: Storage, name: string): Promise<void> {
  return storage.delete(ROLE_PREFIX + name);
}

export async function listStaticRoles(storage: Storage): Promise<string[]> {
  return (await storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/'));
}

export function readWal(storage: Storage, name: string): Promise<RotationWal | null> {
  return getJson<RotationWal>(storage, WAL_PREFIX + name);
}

export function writeWal(storage: Storage, name: string, wal: RotationWal): Promise<void> {
  return putJson(storage, WAL_PREFIX + name, wal);
}

export function deleteWal(storage: Storage, name: string): Promise<void> {
  return storage.delete(WAL_PREFIX + name);
}
