import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { autoRotate } from './auto-rotate.js';
import type { TransitContext } from './context.js';
import { KeyStore } from './key-store.js';
import { pathBackup } from './path-backup.js';
import { pathCacheConfig, storedCacheSize } from './path-cache-config.js';
import { pathConfigKeys } from './path-config-keys.js';
import { pathDatakey } from './path-datakey.js';
import { pathDecrypt } from './path-decrypt.js';
import { pathEncrypt } from './path-encrypt.js';
import { pathExport } from './path-export.js';
import { pathHash } from './path-hash.js';
import { pathHmac } from './path-hmac.js';
import { pathImport, pathImportVersion } from './path-import.js';
import { pathKeyConfig } from './path-key-config.js';
import { pathKeys, pathKeysList } from './path-keys.js';
import { pathRandom } from './path-random.js';
import { pathRestore } from './path-restore.js';
import { pathRewrap } from './path-rewrap.js';
import { pathRotate } from './path-rotate.js';
import { pathSign, pathVerify } from './path-sign.js';
import { pathTrim } from './path-trim.js';
import { pathWrappingKey } from './path-wrapping-key.js';
import { WrappingKeyStore } from './wrapping-key.js';

export interface TransitOptions {
  /** The clock (tests move it to trigger automatic rotation). */
  now?: () => Date;
}

const HELP = `
The transit secrets engine performs cryptography on data in transit without
storing the data: encryption and decryption ("vault:v<N>:..." ciphertexts
compatible with Vault's), signing and verification, HMACs, hashes, random
bytes and data keys. Named keys live in the mount's encrypted storage; they
rotate (by hand or automatically), and leave only when made exportable.
`;

export async function createTransitBackend(conf: BackendConfig, options: TransitOptions = {}): Promise<Backend> {
  const ctx: TransitContext = {
    keys: new KeyStore(),
    wrappingKey: new WrappingKeyStore(),
    now: options.now ?? (() => new Date()),
    logger: conf.logger,
  };
  return createBackend({
    type: 'logical',
    help: HELP,
    paths: [
      pathKeysList(ctx),
      pathKeyConfig(ctx),
      pathRotate(ctx),
      pathTrim(ctx),
      pathImport(ctx),
      pathImportVersion(ctx),
      pathKeys(ctx),
      pathExport(ctx),
      pathBackup(ctx),
      pathRestore(ctx),
      pathEncrypt(ctx),
      pathDecrypt(ctx),
      pathRewrap(ctx),
      pathDatakey(ctx),
      pathRandom(),
      pathHash(),
      pathHmac(ctx),
      pathSign(ctx),
      pathVerify(ctx),
      pathCacheConfig(ctx),
      pathConfigKeys(),
      pathWrappingKey(ctx),
    ],
    initialize: async ({ storage }) => {
      ctx.keys.cacheSize = await storedCacheSize({ storage });
    },
    invalidate: (key) => {
      ctx.keys.invalidate(key);
      ctx.wrappingKey.invalidate(key);
    },
    periodic: async ({ storage }) => {
      await autoRotate(ctx, storage);
    },
  });
}

export const transitFactory: BackendFactory = (conf) => createTransitBackend(conf);
