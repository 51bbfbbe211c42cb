import { CofferError, definePath, type PathDefinition, putJson } from '@coffer/sdk';
import { URLS_KEY, readUrls } from './urls-config.js';

const URL_FIELDS = ['issuing_certificates', 'crl_distribution_points', 'ocsp_servers'] as const;

/** config/urls: the AIA and CRL distribution point URLs put into issued certificates. */
export function pathConfigUrls(): PathDefinition {
  return definePath({
    pattern: 'config/urls',
    fields: {
      issuing_certificates: { type: 'comma-string-slice', description: 'URLs of the issuing CA certificate (AIA caIssuers).' },
      crl_distribution_points: { type: 'comma-string-slice', description: 'URLs of the CRL.' },
      ocsp_servers: { type: 'comma-string-slice', description: 'URLs of the OCSP responder (AIA OCSP).' },
      enable_templating: { type: 'bool', description: 'Templated URLs ({{issuer_id}}, {{cluster_path}}); not supported by Coffer yet.' },
    },
    operations: {
      read: { callback: async (req) => ({ data: { ...(await readUrls(req.storage)) } }), summary: 'Read the URLs.' },
      update: {
        callback: async (req, d) => {
          const urls = await readUrls(req.storage);
          for (const field of URL_FIELDS) {
            if (!d.has(field)) continue;
            const value = d.values[field];
            for (const url of value) {
              try {
                new URL(url);
              } catch {
                throw new CofferError('invalid_request', `invalid URL in ${field}: "${url}"`);
              }
            }
            urls[field] = value;
          }
          if (d.has('enable_templating') && d.values.enable_templating) throw new CofferError('invalid_request', 'URL templating is not supported by Coffer yet');
          await putJson(req.storage, URLS_KEY, urls);
          return { data: { ...urls } };
        },
        summary: 'Set the URLs.',
      },
    },
    helpSynopsis: 'URLs written into issued certificates.',
    helpDescription: 'Certificates issued after a change carry the new URLs; existing ones are unchanged.',
  });
}
