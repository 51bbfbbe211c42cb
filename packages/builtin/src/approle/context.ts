import type { FieldSchema, Logger, SystemView } from '@coffer/sdk';
import type { HmacKeyStore } from './hmac-key.js';
import type { KeyedMutex } from '@coffer/sdk';

/** What the approle path groups share within one mount. */
export interface ApproleContext {
  system: SystemView;
  logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can expire secret IDs without waiting. */
  now(): number;
  hmacKey: HmacKeyStore;
  /** Key "roles" serializes role writes (keeps role_id unique); "sid:<hmac>" serializes one secret ID. */
  locks: KeyedMutex;
}

export const ROLES_LOCK = 'roles';
export const secretIdLockKey = (secretIdHmac: string): string => `sid:${secretIdHmac}`;

export const roleNameField = { type: 'string', description: 'Name of the role (case-insensitive, at most 4096 bytes).' } satisfies FieldSchema;
