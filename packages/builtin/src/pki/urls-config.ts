import { getJson, type Storage } from '@coffer/sdk';
import type { AccessUrls } from './certificate-builder.js';

export interface UrlsConfig extends AccessUrls {
  enable_templating: boolean;
}

export const URLS_KEY = 'config/urls';

export async function readUrls(s: Storage): Promise<UrlsConfig> {
  const stored = await getJson<Partial<UrlsConfig>>(s, URLS_KEY);
  return {
    issuing_certificates: stored?.issuing_certificates ?? [],
    crl_distribution_points: stored?.crl_distribution_points ?? [],
    ocsp_servers: stored?.ocsp_servers ?? [],
    enable_templating: stored?.enable_templating ?? false,
  };
}
