import { formatDuration, invalidRequest } from '@coffer/sdk';
import {
  DEFAULT_LEASE_TTL_SECONDS,
  DEFAULT_MAX_REQUEST_DURATION_SECONDS,
  DEFAULT_TELEMETRY,
  type ConfigFragment,
  type DeclaredPluginConfig,
  type ServerConfig,
} from './types.js';

/**
 * Merges files as Vault does: a setting in a later file wins, a later storage
 * stanza replaces an earlier one, listeners and seals add up.
 */
export function mergeFragments(base: ConfigFragment, next: ConfigFragment): ConfigFragment {
  const merged: ConfigFragment = { ...base, seals: [...base.seals, ...next.seals], listeners: [...base.listeners, ...next.listeners] };
  for (const [key, value] of Object.entries(next) as Array<[keyof ConfigFragment, unknown]>) {
    if (key === 'seals' || key === 'listeners' || key === 'plugins' || value === undefined) continue;
    (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (next.plugins !== undefined) merged.plugins = mergeDeclaredPlugins(base.plugins ?? [], next.plugins);
  return merged;
}

/** Declared plugins add up; a later declaration of the same type, name and version replaces the earlier one. */
function mergeDeclaredPlugins(base: DeclaredPluginConfig[], next: DeclaredPluginConfig[]): DeclaredPluginConfig[] {
  const key = (p: DeclaredPluginConfig) => `${p.type}/${p.name}/${p.version}`;
  const replaced = new Set(next.map(key));
  return [...base.filter((p) => !replaced.has(key(p))), ...next];
}

/** The merged settings with Vault's defaults filled in. */
export function finalizeConfig(fragment: ConfigFragment): ServerConfig {
  // Vault treats a zero TTL as "use the default".
  const defaultLeaseTtl = fragment.defaultLeaseTtl || DEFAULT_LEASE_TTL_SECONDS;
  const maxLeaseTtl = fragment.maxLeaseTtl || DEFAULT_LEASE_TTL_SECONDS;
  if (defaultLeaseTtl > maxLeaseTtl) {
    throw invalidRequest(
      `default_lease_ttl (${formatDuration(defaultLeaseTtl)}) is longer than max_lease_ttl (${formatDuration(maxLeaseTtl)}); ` +
        'lower default_lease_ttl or raise max_lease_ttl',
    );
  }
  const defaultMaxRequestDurationSeconds = fragment.defaultMaxRequestDurationSeconds || DEFAULT_MAX_REQUEST_DURATION_SECONDS;
  return {
    ...(fragment.storage !== undefined ? { storage: fragment.storage } : {}),
    ...(fragment.haStorage !== undefined ? { haStorage: fragment.haStorage } : {}),
    seals: fragment.seals,
    listeners: fragment.listeners.map((l) => ({
      ...l,
      maxRequestDurationSeconds: l.maxRequestDurationSeconds ?? defaultMaxRequestDurationSeconds,
    })),
    ...(fragment.apiAddr !== undefined ? { apiAddr: fragment.apiAddr } : {}),
    ...(fragment.clusterAddr !== undefined ? { clusterAddr: fragment.clusterAddr } : {}),
    ...(fragment.clusterName !== undefined ? { clusterName: fragment.clusterName } : {}),
    ...(fragment.disableClustering !== undefined ? { disableClustering: fragment.disableClustering } : {}),
    ...(fragment.performanceStandby !== undefined ? { performanceStandby: fragment.performanceStandby } : {}),
    defaultLeaseTtl,
    maxLeaseTtl,
    defaultMaxRequestDurationSeconds,
    ...(fragment.pluginDirectory !== undefined ? { pluginDirectory: fragment.pluginDirectory } : {}),
    ...(fragment.pluginWarmSpares !== undefined ? { pluginWarmSpares: fragment.pluginWarmSpares } : {}),
    disableMlock: fragment.disableMlock ?? false,
    ui: fragment.ui ?? false,
    rawStorageEndpoint: fragment.rawStorageEndpoint ?? false,
    logLevel: fragment.logLevel ?? 'info',
    logFormat: fragment.logFormat ?? 'standard',
    telemetry: { ...DEFAULT_TELEMETRY, ...(fragment.telemetry ?? {}) },
    plugins: fragment.plugins ?? [],
  };
}
