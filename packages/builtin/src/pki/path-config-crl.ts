import { CofferError, definePath, parseDuration, type PathDefinition, putJson } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { CRL_CONFIG_KEY, readCrlConfig, type CrlConfig } from './crl-config.js';
import { rebuildAllCrls } from './crl-builder.js';

const DURATION_FIELDS = ['expiry', 'ocsp_expiry', 'auto_rebuild_grace_period', 'delta_rebuild_interval'] as const;
const BOOL_FIELDS = ['disable', 'ocsp_disable', 'auto_rebuild', 'enable_delta', 'cross_cluster_revocation', 'unified_crl', 'unified_crl_on_existing_paths'] as const;

/** config/crl: CRL lifetime, rebuilding, delta CRLs and the OCSP switch. */
export function pathConfigCrl(ctx: PkiContext): PathDefinition {
  return definePath({
    pattern: 'config/crl',
    fields: {
      expiry: { type: 'string', description: 'How long a CRL is valid (nextUpdate), e.g. "72h".' },
      disable: { type: 'bool', description: 'Serve empty CRLs.' },
      ocsp_disable: { type: 'bool', description: 'Turn the OCSP responder off.' },
      ocsp_expiry: { type: 'string', description: 'How long an OCSP answer is valid (nextUpdate); "0" for none.' },
      auto_rebuild: { type: 'bool', description: 'Rebuild CRLs periodically instead of on every revocation.' },
      auto_rebuild_grace_period: { type: 'string', description: 'With auto_rebuild: rebuild this long before nextUpdate.' },
      enable_delta: { type: 'bool', description: 'Build delta CRLs (with auto_rebuild).' },
      delta_rebuild_interval: { type: 'string', description: 'How often delta CRLs are rebuilt.' },
      cross_cluster_revocation: { type: 'bool', description: 'Enterprise feature in Vault; must be false.' },
      unified_crl: { type: 'bool', description: 'Enterprise feature in Vault; must be false.' },
      unified_crl_on_existing_paths: { type: 'bool', description: 'Enterprise feature in Vault; must be false.' },
    },
    operations: {
      read: { callback: async (req) => ({ data: { ...(await readCrlConfig(req.storage)) } }), summary: 'Read the CRL configuration.' },
      update: {
        callback: async (req, d) => {
          const config: CrlConfig = await readCrlConfig(req.storage);
          for (const field of DURATION_FIELDS) {
            if (!d.has(field)) continue;
            const text = String(d.values[field]);
            try {
              parseDuration(text);
            } catch {
              throw new CofferError('invalid_request', `error parsing ${field} duration: "${text}" is not a duration such as "72h"`);
            }
            config[field] = text;
          }
          for (const field of BOOL_FIELDS) {
            if (d.has(field)) config[field] = d.values[field];
          }
          if (config.enable_delta && !config.auto_rebuild) throw new CofferError('invalid_request', 'delta CRLs require auto_rebuild: set auto_rebuild=true with enable_delta=true');
          if (config.cross_cluster_revocation || config.unified_crl || config.unified_crl_on_existing_paths) {
            throw new CofferError('invalid_request', 'cross-cluster revocation and unified CRLs are not supported by Coffer');
          }
          const expiry = parseDuration(config.expiry);
          if (config.auto_rebuild && parseDuration(config.auto_rebuild_grace_period) >= expiry) {
            throw new CofferError('invalid_request', `CRL auto-rebuilding grace period (${config.auto_rebuild_grace_period}) must be strictly shorter than CRL expiry (${config.expiry})`);
          }
          await putJson(req.storage, CRL_CONFIG_KEY, config);
          await rebuildAllCrls(ctx, req.storage);
          return { data: { ...config } };
        },
        summary: 'Change the CRL configuration.',
      },
    },
    helpSynopsis: 'Configure CRL building and the OCSP responder.',
    helpDescription: 'Changes take effect at once: every CRL is rebuilt.',
  });
}
