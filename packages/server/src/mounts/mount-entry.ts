import { randomBytes, randomUUID } from 'node:crypto';

/** Per-mount tunables, with Vault's JSON names. TTLs are seconds; 0 means "system default". */
export interface MountConfig {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  audit_non_hmac_request_keys?: string[];
  audit_non_hmac_response_keys?: string[];
  listing_visibility?: string;
  passthrough_request_headers?: string[];
  allowed_response_headers?: string[];
  token_type?: string;
}

export type MountTableName = 'mounts' | 'auth';

/** One row of the mount table (sys/mounts) or auth table (sys/auth). */
export interface MountEntry {
  table: MountTableName;
  /** Always ends with '/'. Auth mounts are stored without the "auth/" prefix, as Vault shows them. */
  path: string;
  type: string;
  description: string;
  uuid: string;
  accessor: string;
  config: MountConfig;
  options: Record<string, string>;
  local: boolean;
  seal_wrap: boolean;
  external_entropy_access: boolean;
  /** The version asked for at enable/tune time ('' = whatever the catalog resolves). */
  plugin_version: string;
  /** Set on mounts that the system creates and users cannot disable (sys/, token/, cubbyhole/). */
  builtin_required?: boolean;
}

export function newMountEntry(
  table: MountTableName,
  path: string,
  type: string,
  fields: Partial<Omit<MountEntry, 'table' | 'path' | 'type' | 'uuid' | 'accessor'>> = {},
): MountEntry {
  return {
    table,
    path,
    type,
    description: fields.description ?? '',
    uuid: randomUUID(),
    accessor: `${table === 'auth' ? 'auth_' : ''}${type.replace(/[^a-zA-Z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...(fields.config ?? {}) },
    options: fields.options ?? {},
    local: fields.local ?? false,
    seal_wrap: fields.seal_wrap ?? false,
    external_entropy_access: fields.external_entropy_access ?? false,
    plugin_version: fields.plugin_version ?? '',
    builtin_required: fields.builtin_required,
  };
}

/** The full router path of a mount: auth mounts live under "auth/". */
export function routerPath(entry: MountEntry): string {
  return entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
}

/** Storage prefix of a mount's data inside the barrier: one view per mount UUID, as Vault lays it out. */
export function storagePrefix(entry: MountEntry): string {
  return entry.table === 'auth' ? `auth/${entry.uuid}/` : `logical/${entry.uuid}/`;
}

/** Normalise a user-supplied mount path: no leading slash, exactly one trailing slash. */
export function normaliseMountPath(path: string): string {
  let p = path.trim().replace(/^\/+/, '');
  if (!p.endsWith('/')) p += '/';
  return p;
}
