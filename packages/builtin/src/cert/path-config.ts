import { CofferError, type PathDefinition } from '@coffer/sdk';
import { readCertConfig, writeCertConfig } from './config-entry.js';

const MAX_OCSP_CACHE_SIZE = 100_000;

export function pathConfig(): PathDefinition {
  return {
    pattern: 'config',
    fields: {
      disable_binding: {
        type: 'bool',
        default: false,
        description: 'When true, renewal does not require the client to present the certificate it logged in with.',
      },
      enable_identity_alias_metadata: {
        type: 'bool',
        default: false,
        description: 'When true, the login metadata (cert_name, common_name, serial_number, key identifiers) is also set on the identity alias.',
      },
      ocsp_cache_size: { type: 'int', default: 100, description: 'Size of the OCSP response cache (accepted for compatibility with Vault).' },
    },
    operations: {
      update: {
        summary: 'Configure the cert auth method.',
        callback: async (req, d) => {
          const config = await readCertConfig(req.storage);
          const [disableBinding, hasDisableBinding] = d.getOk<boolean>('disable_binding');
          if (hasDisableBinding) config.disable_binding = disableBinding ?? false;
          const [aliasMetadata, hasAliasMetadata] = d.getOk<boolean>('enable_identity_alias_metadata');
          if (hasAliasMetadata) config.enable_identity_alias_metadata = aliasMetadata ?? false;
          const [cacheSize, hasCacheSize] = d.getOk<number>('ocsp_cache_size');
          if (hasCacheSize) {
            if (cacheSize === undefined || cacheSize < 2 || cacheSize > MAX_OCSP_CACHE_SIZE) {
              throw new CofferError('invalid_request', `invalid cache size, must be >= 2 and <= ${MAX_OCSP_CACHE_SIZE}`);
            }
            config.ocsp_cache_size = cacheSize;
          }
          await writeCertConfig(req.storage, config);
          return null;
        },
      },
      read: {
        summary: 'Read the configuration.',
        callback: async (req) => ({ data: { ...(await readCertConfig(req.storage)) } }),
      },
    },
    helpSynopsis: 'Configure the cert auth method.',
    helpDescription: 'disable_binding and enable_identity_alias_metadata, as in Vault.',
  };
}
