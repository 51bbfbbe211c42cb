import { CofferError, parseBool, parseDuration, type FieldData, type PathDefinition, type Response } from '@coffer/sdk';
import type { MountConfig, MountEntry, MountTableName } from '../mounts/mount-entry.js';
import { normaliseMountPath } from '../mounts/mount-entry.js';
import type { SysDeps } from './deps.js';
import { checkMountConfig } from './mount-config-check.js';
import { mountView, tuneView } from './mount-views.js';

const enableFields = {
  path: { type: 'string', description: 'The path to mount to.' },
  type: { type: 'string', description: 'The type of the backend (e.g. "kv", "userpass").' },
  description: { type: 'string', description: 'User-friendly description for this mount.' },
  config: { type: 'map', description: 'Configuration: default_lease_ttl, max_lease_ttl, force_no_cache, audit_non_hmac_*, listing_visibility, passthrough_request_headers, allowed_response_headers, plugin_version.' },
  options: { type: 'kvpairs', description: 'Backend-specific options, e.g. version=2 for kv.' },
  local: { type: 'bool', default: false, description: 'Mark the mount as local (not replicated).' },
  seal_wrap: { type: 'bool', default: false, description: 'Accepted for compatibility; every entry is encrypted by the barrier anyway.' },
  external_entropy_access: { type: 'bool', default: false },
  plugin_name: { type: 'string', description: 'Deprecated: the plugin name; use type.' },
  plugin_version: { type: 'string', description: 'The semantic version of the plugin to use.' },
} as const;

const tuneFields = {
  path: { type: 'string' },
  default_lease_ttl: { type: 'string', description: 'Default lease TTL ("1h", seconds, or "system").' },
  max_lease_ttl: { type: 'string', description: 'Maximum lease TTL ("1h", seconds, or "system").' },
  description: { type: 'string' },
  options: { type: 'kvpairs' },
  audit_non_hmac_request_keys: { type: 'comma-string-slice' },
  audit_non_hmac_response_keys: { type: 'comma-string-slice' },
  listing_visibility: { type: 'string' },
  passthrough_request_headers: { type: 'comma-string-slice' },
  allowed_response_headers: { type: 'comma-string-slice' },
  token_type: { type: 'string' },
  plugin_version: { type: 'string' },
} as const;

/** Durations in config maps arrive as "1h", "3600" or 3600; "system" or "" means the default. */
function ttlValue(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '' || value === 'system') return 0;
  let seconds: number;
  try {
    seconds = parseDuration(value as string | number);
  } catch {
    throw new CofferError('invalid_request', `invalid ${field} "${String(value)}": use a duration such as "1h" or a number of seconds`);
  }
  if (seconds < 0) throw new CofferError('invalid_request', `invalid ${field} "${String(value)}": a lease TTL cannot be negative`);
  return seconds;
}

function configFrom(raw: Record<string, unknown>): Partial<MountConfig> & { plugin_version?: string } {
  const out: Partial<MountConfig> & { plugin_version?: string } = {};
  if (Object.hasOwn(raw, 'default_lease_ttl')) out.default_lease_ttl = ttlValue(raw['default_lease_ttl'], 'default_lease_ttl');
  if (Object.hasOwn(raw, 'max_lease_ttl')) out.max_lease_ttl = ttlValue(raw['max_lease_ttl'], 'max_lease_ttl');
  if (Object.hasOwn(raw, 'force_no_cache')) out.force_no_cache = raw['force_no_cache'] === true || (typeof raw['force_no_cache'] === 'string' && parseBool(raw['force_no_cache']) === true);
  for (const key of ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys', 'passthrough_request_headers', 'allowed_response_headers'] as const) {
    if (Object.hasOwn(raw, key)) out[key] = stringList(raw[key]);
  }
  if (typeof raw['listing_visibility'] === 'string') out.listing_visibility = raw['listing_visibility'];
  if (typeof raw['token_type'] === 'string') out.token_type = raw['token_type'];
  if (typeof raw['plugin_version'] === 'string') out.plugin_version = raw['plugin_version'];
  return out;
}

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

/** A max above the server's max_lease_ttl is accepted, as Vault does: the server's max still caps issued leases (mountTtls). */
function checkTtls(config: Partial<MountConfig>): void {
  const def = config.default_lease_ttl ?? 0;
  const max = config.max_lease_ttl ?? 0;
  if (max > 0 && def > max) throw new CofferError('invalid_request', 'default_lease_ttl cannot be greater than max_lease_ttl');
}

/** sys/mounts… and sys/auth… share their shape; only the table and a few words differ. */
export function mountTablePaths(deps: SysDeps, table: MountTableName): PathDefinition[] {
  const base = table === 'mounts' ? 'mounts' : 'auth';
  const kind = table === 'mounts' ? 'secret' : 'auth';

  const list = async (): Promise<Response> => {
    const data: Record<string, unknown> = {};
    for (const entry of deps.mounts.list(table)) data[entry.path] = mountView(entry, deps.mounts);
    return { data };
  };

  const find = (path: string): MountEntry => {
    const entry = deps.mounts.find(table, path);
    if (!entry) throw new CofferError('invalid_request', `no ${table === 'mounts' ? 'mount' : 'auth method'} at "${normaliseMountPath(path)}"`);
    return entry;
  };

  // Vault's CLI tunes auth methods through sys/mounts/auth/<path>/tune, so tuning under sys/mounts accepts any router path.
  const findForTune = (path: string): MountEntry => {
    if (table === 'auth') return find(path);
    const entry = deps.mounts.findByRouterPath(path);
    if (!entry) throw new CofferError('invalid_request', `no mount at "${normaliseMountPath(path)}"`);
    return entry;
  };

  const enable = async (_req: unknown, d: FieldData): Promise<Response | null> => {
    const path = d.get<string>('path');
    let type = d.get<string>('type') || d.get<string>('plugin_name');
    if (!type) throw new CofferError('invalid_request', 'backend type must be specified');
    const options = { ...(d.get<Record<string, string>>('options') ?? {}) };
    // Vault's aliases for the two KV versions.
    if (type === 'kv-v2' || type === 'kv-v1') {
      options['version'] = type === 'kv-v2' ? '2' : '1';
      type = 'kv';
    }
    if (!(await deps.knownType(kind, type))) {
      throw new CofferError('invalid_request', `plugin not found in the catalog: ${type}`);
    }
    const { plugin_version: configVersion, ...config } = configFrom(d.get<Record<string, unknown>>('config') ?? {});
    checkTtls(config);
    checkMountConfig(config, { table, type });
    await deps.mounts.enable(table, path, type, {
      description: d.get<string>('description'),
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...config },
      options,
      local: d.get<boolean>('local'),
      seal_wrap: d.get<boolean>('seal_wrap'),
      external_entropy_access: d.get<boolean>('external_entropy_access'),
      plugin_version: d.get<string>('plugin_version') || configVersion || '',
    });
    return null;
  };

  return [
    {
      pattern: `${base}/(?<path>.+?)/tune/?`,
      fields: tuneFields,
      operations: {
        read: async (_req, d) => ({ data: tuneView(findForTune(d.get<string>('path')), deps.systemTtls()) }),
        update: async (_req, d) => {
          const entry = findForTune(d.get<string>('path'));
          const raw: Record<string, unknown> = {};
          for (const key of Object.keys(tuneFields)) {
            const [value, ok] = d.getOk(key);
            if (ok && key !== 'path') raw[key] = value;
          }
          const { plugin_version, ...config } = configFrom(raw);
          checkMountConfig(config, entry);
          checkTtls({ default_lease_ttl: config.default_lease_ttl ?? entry.config.default_lease_ttl, max_lease_ttl: config.max_lease_ttl ?? entry.config.max_lease_ttl });
          const [description, hasDescription] = d.getOk<string>('description');
          const [options] = d.getOk<Record<string, string>>('options');
          if (options && entry.type === 'kv' && options['version'] === '1' && entry.options['version'] === '2') {
            throw new CofferError('invalid_request', 'cannot downgrade a kv mount from version 2 to version 1');
          }
          const upgradingKv = entry.type === 'kv' && options?.['version'] === '2' && entry.options['version'] !== '2';
          await deps.mounts.tune(entry, {
            config,
            ...(hasDescription ? { description } : {}),
            ...(options ? { options } : {}),
            ...(plugin_version !== undefined ? { plugin_version } : {}),
          });
          if (upgradingKv) return { warnings: ['Upgrading the mount from KV version 1 to version 2: existing secrets become version 1 of each key.'] };
          return null;
        },
      },
      helpSynopsis: `Tune the configuration of a ${kind === 'secret' ? 'secrets engine' : 'auth method'} mount.`,
    },
    {
      pattern: `${base}/(?<path>.+)`,
      fields: enableFields,
      operations: {
        read: async (_req, d) => ({ data: mountView(find(d.get<string>('path')), deps.mounts) }),
        update: enable,
        delete: async (_req, d) => {
          await deps.mounts.disable(table, d.get<string>('path'));
          return null;
        },
      },
      helpSynopsis: kind === 'secret' ? 'Mount a new secrets engine, read its configuration, or unmount it.' : 'Enable a new auth method, read its configuration, or disable it.',
      helpDescription: 'Disabling a mount revokes its leases and erases its stored data.',
    },
    {
      pattern: `${base}/?`,
      operations: { read: list },
      helpSynopsis: kind === 'secret' ? 'List the mounted secrets engines.' : 'List the enabled auth methods.',
    },
  ];
}

/** Moves finished recently, for sys/remount/status (a bounded, in-memory record, as Vault keeps them only for a while). */
const MAX_MIGRATIONS_KEPT = 1000;

export function remountPaths(deps: SysDeps): PathDefinition[] {
  const migrations = new Map<string, { source_mount: string; target_mount: string; status: 'success' | 'failure'; error?: string }>();
  const remember = (id: string, info: { source_mount: string; target_mount: string; status: 'success' | 'failure'; error?: string }) => {
    migrations.set(id, info);
    if (migrations.size > MAX_MIGRATIONS_KEPT) migrations.delete(migrations.keys().next().value!);
  };
  return [
    {
      pattern: 'remount',
      fields: { from: { type: 'string', required: true }, to: { type: 'string', required: true } },
      operations: {
        update: async (_req, d) => {
          const from = d.get<string>('from');
          const to = d.get<string>('to');
          if (!from || !to) throw new CofferError('invalid_request', 'both "from" and "to" must be set');
          // Vault ≥1.10 runs moves asynchronously and returns a migration id; ours completes before answering.
          const id = globalThis.crypto.randomUUID();
          await deps.mounts.remount(from, to);
          remember(id, { source_mount: from, target_mount: to, status: 'success' });
          return { data: { migration_id: id } };
        },
      },
      helpSynopsis: 'Move a mount to a new path; its data is kept.',
    },
    {
      pattern: 'remount/status/(?<migration_id>.+)',
      fields: { migration_id: { type: 'string' } },
      operations: {
        read: async (_req, d) => {
          const id = d.get<string>('migration_id');
          const info = migrations.get(id);
          if (!info) throw new CofferError('invalid_request', `no migration with id "${id}" is known to this server`);
          return { data: { migration_id: id, migration_info: info } };
        },
      },
      helpSynopsis: 'Status of a mount move (moves complete before sys/remount answers in Coffer).',
    },
  ];
}
