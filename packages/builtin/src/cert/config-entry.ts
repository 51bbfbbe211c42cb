import { getJson, putJson, type Storage } from '@coffer/sdk';

/** The mount's settings, stored under "config". */
export interface CertConfig {
  /** Renewal does not check that the same certificate is presented again. */
  disable_binding: boolean;
  /** The login's metadata is also set on the identity alias. */
  enable_identity_alias_metadata: boolean;
  /** Accepted for compatibility with Vault (its OCSP response cache size). */
  ocsp_cache_size: number;
}

const KEY = 'config';

export async function readCertConfig(storage: Storage): Promise<CertConfig> {
  const stored = await getJson<Partial<CertConfig>>(storage, KEY);
  return { disable_binding: false, enable_identity_alias_metadata: false, ocsp_cache_size: 100, ...(stored ?? {}) };
}

export async function writeCertConfig(storage: Storage, config: CertConfig): Promise<void> {
  await putJson(storage, KEY, config);
}
