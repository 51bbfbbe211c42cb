import { createHash } from 'node:crypto';
import { CofferError } from '@coffer/sdk';

/**
 * Vault's PostgreSQL layout, so that an operator can follow Vault's docs (or
 * point Coffer at tables created for Vault's schema): a key "a/b/c" is
 * stored as path "/a/b/", key "c", parent_path "/a/". Every column uses the
 * "C" collation, so the index orders keys by their bytes.
 */
export interface SplitKey {
  parentPath: string;
  path: string;
  name: string;
}

export function splitKey(key: string): SplitKey {
  const slash = key.lastIndexOf('/');
  const dir = slash === -1 ? '' : key.slice(0, slash + 1);
  const path = `/${dir}`;
  return { parentPath: parentOf(path), path, name: key.slice(slash + 1) };
}

/** The folder above a path ("/a/b/" → "/a/", "/a/" → "/", "/" → ""). */
function parentOf(path: string): string {
  if (path === '/') return '';
  const above = path.lastIndexOf('/', path.length - 2);
  return path.slice(0, above + 1);
}

/** A table name as SQL: each dot-separated part quoted ("schema.table" stays schema-qualified). */
export function quoteTable(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new CofferError('invalid_request', `storage "postgresql": invalid table name ${JSON.stringify(table)}; use "name" or "schema.name"`);
  }
  return parts.map(quoteIdentifier).join('.');
}

export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new CofferError('invalid_request', 'storage "postgresql": identifiers cannot contain NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** A LIKE pattern that matches `prefix` literally, then anything. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Index names must be unique per schema: derive them from the table name. */
function indexName(table: string, suffix: string): string {
  const bare = table.split('.').pop()!;
  const name = `${bare}_${suffix}`;
  return Buffer.byteLength(name) <= 63 ? name : `coffer_${createHash('sha256').update(table).digest('hex').slice(0, 16)}_${suffix}`;
}

/** The LISTEN/NOTIFY channel writers announce changed keys on: one per data table. */
/** The channel syncChanges() announces its markers on (beside the change channel, heard by the same listeners). */
export function syncChannel(table: string): string {
  const name = `${table.replace(/\./g, '_')}_sync`;
  return Buffer.byteLength(name) <= 63 ? name : `coffer_sync_${createHash('sha256').update(table).digest('hex').slice(0, 16)}`;
}

export function changeChannel(table: string): string {
  const name = `${table.replace(/\./g, '_')}_changes`;
  return Buffer.byteLength(name) <= 63 ? name : `coffer_changes_${createHash('sha256').update(table).digest('hex').slice(0, 16)}`;
}

/** Vault's documented schema, created when missing. */
export function schemaStatements(table: string, haTable: string | undefined): string[] {
  const t = quoteTable(table);
  const out = [
    `CREATE TABLE IF NOT EXISTS ${t} (
      parent_path TEXT COLLATE "C" NOT NULL,
      path        TEXT COLLATE "C",
      key         TEXT COLLATE "C",
      value       BYTEA,
      CONSTRAINT ${quoteIdentifier(indexName(table, 'pkey'))} PRIMARY KEY (path, key)
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(indexName(table, 'parent_path_idx'))} ON ${t} (parent_path)`,
  ];
  if (haTable !== undefined) {
    out.push(`CREATE TABLE IF NOT EXISTS ${quoteTable(haTable)} (
      ha_key      TEXT COLLATE "C" NOT NULL,
      ha_identity TEXT COLLATE "C" NOT NULL,
      ha_value    TEXT COLLATE "C",
      valid_until TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT ${quoteIdentifier(indexName(haTable, 'ha_key'))} PRIMARY KEY (ha_key)
    )`);
  }
  return out;
}
