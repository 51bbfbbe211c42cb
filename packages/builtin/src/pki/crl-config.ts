import { getJson, parseDuration, type Storage } from '@coffer/sdk';

/** config/crl, with Vault's field names and defaults (durations kept as the strings sent). */
export interface CrlConfig {
  expiry: string;
  disable: boolean;
  ocsp_disable: boolean;
  ocsp_expiry: string;
  auto_rebuild: boolean;
  auto_rebuild_grace_period: string;
  enable_delta: boolean;
  delta_rebuild_interval: string;
  cross_cluster_revocation: boolean;
  unified_crl: boolean;
  unified_crl_on_existing_paths: boolean;
}

export const CRL_CONFIG_KEY = 'config/crl';

export const DEFAULT_CRL_CONFIG: CrlConfig = {
  expiry: '72h',
  disable: false,
  ocsp_disable: false,
  ocsp_expiry: '12h',
  auto_rebuild: false,
  auto_rebuild_grace_period: '12h',
  enable_delta: false,
  delta_rebuild_interval: '15m',
  cross_cluster_revocation: false,
  unified_crl: false,
  unified_crl_on_existing_paths: false,
};

export async function readCrlConfig(s: Storage): Promise<CrlConfig> {
  return { ...DEFAULT_CRL_CONFIG, ...((await getJson<Partial<CrlConfig>>(s, CRL_CONFIG_KEY)) ?? {}) };
}

export const seconds = (duration: string): number => parseDuration(duration);
