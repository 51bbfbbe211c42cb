// Tables for "secrets list" and "auth list".
import type { Secret } from '../api/secret.js';
import { dataOrTopLevel } from '../api/secret.js';
import { goValue } from '../format/go-value.js';

export type MountEntry = Record<string, unknown> & { config?: Record<string, unknown> };

/** The mounts map of a sys/mounts or sys/auth response, by path. */
export function mountsFrom(secret: Secret | null): Record<string, MountEntry> {
  const data = dataOrTopLevel(secret);
  const out: Record<string, MountEntry> = {};
  for (const [path, entry] of Object.entries(data)) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) out[path] = entry as MountEntry;
  }
  return out;
}

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function ttl(entry: MountEntry, key: string, noTtlTypes: string[]): string {
  if (noTtlTypes.includes(s(entry.type))) return '';
  const value = Number(entry.config?.[key] ?? 0);
  return value !== 0 ? String(value) : 'system';
}

export function simpleRows(mounts: Record<string, MountEntry>, withVersion: boolean): string[] {
  const rows = [withVersion ? 'Path | Type | Accessor | Description | Version' : 'Path | Type | Accessor | Description'];
  for (const path of Object.keys(mounts).sort()) {
    const m = mounts[path]!;
    const cells = [path, s(m.type), s(m.accessor), s(m.description)];
    if (withVersion) cells.push(s(m.plugin_version));
    rows.push(cells.join(' | '));
  }
  return rows;
}

export function detailedRows(mounts: Record<string, MountEntry>, kind: 'secrets' | 'auth'): string[] {
  const header =
    kind === 'secrets'
      ? 'Path | Plugin | Accessor | Default TTL | Max TTL | Force No Cache | Replication | Seal Wrap | External Entropy Access | Options | Description | UUID | Version | Running Version | Running SHA256 | Deprecation Status'
      : 'Path | Plugin | Accessor | Default TTL | Max TTL | Token Type | Replication | Seal Wrap | External Entropy Access | Options | Description | UUID | Version | Running Version | Running SHA256 | Deprecation Status';
  const noTtl = kind === 'secrets' ? ['system', 'cubbyhole'] : [];
  const rows = [header];
  for (const path of Object.keys(mounts).sort()) {
    const m = mounts[path]!;
    const cells = [
      path,
      s(m.type),
      s(m.accessor),
      ttl(m, 'default_lease_ttl', noTtl),
      ttl(m, 'max_lease_ttl', noTtl),
      kind === 'secrets' ? String(m.config?.force_no_cache === true) : s(m.config?.token_type),
      m.local === true ? 'local' : 'replicated',
      String(m.seal_wrap === true),
      String(m.external_entropy_access === true),
      goValue(m.options ?? {}),
      s(m.description),
      s(m.uuid),
      s(m.plugin_version),
      s(m.running_plugin_version),
      s(m.running_sha256),
      s(m.deprecation_status),
    ];
    rows.push(cells.join(' | '));
  }
  return rows;
}
