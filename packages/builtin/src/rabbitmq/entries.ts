import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { ManagementConnection } from './management-client.js';

/** config/connection as stored (behind the barrier; never read back). */
export interface ConnectionConfig extends ManagementConnection {
  password_policy: string;
  username_template: string;
}

/** config/lease: seconds; 0 = the mount's. */
export interface LeaseConfig {
  ttl: number;
  max_ttl: number;
}

export interface VhostPermissions {
  configure: string;
  write: string;
  read: string;
}

export interface TopicPermissions {
  write: string;
  read: string;
}

/** roles/<name>. */
export interface RabbitRole {
  tags: string;
  vhosts: Record<string, VhostPermissions>;
  /** vhost → exchange → permissions. */
  vhost_topics: Record<string, Record<string, TopicPermissions>>;
}

export const readConnection = (s: Storage) => getJson<ConnectionConfig>(s, 'config/connection');
export const writeConnection = (s: Storage, c: ConnectionConfig) => putJson(s, 'config/connection', c);
export const readLeaseConfig = async (s: Storage): Promise<LeaseConfig> => (await getJson<LeaseConfig>(s, 'config/lease')) ?? { ttl: 0, max_ttl: 0 };
export const writeLeaseConfig = (s: Storage, c: LeaseConfig) => putJson(s, 'config/lease', c);
export const readRabbitRole = (s: Storage, name: string) => getJson<RabbitRole>(s, `role/${name}`);
export const writeRabbitRole = (s: Storage, name: string, r: RabbitRole) => putJson(s, `role/${name}`, r);
export const deleteRabbitRole = (s: Storage, name: string) => s.delete(`role/${name}`);
export const listRabbitRoles = async (s: Storage) => (await s.list('role/')).filter((k) => !k.endsWith('/'));
