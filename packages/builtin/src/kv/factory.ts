import { CofferError, type BackendFactory } from '@coffer/sdk';
import { KvBackend } from './kv-backend.js';
import { passthroughBackend } from './passthrough.js';
import { systemClock, type Clock } from './time.js';
import { versionedBackend } from './versioned.js';

export interface KvOptions {
  /** The clock of version 2 (creation and deletion times); tests pass their own. */
  now?: Clock;
}

/**
 * The factory of the "kv" engine. The mount option `version` picks the
 * behaviour, as Vault's does: "1" (or none) the pass-through store, "2" the
 * versioned store. A version 2 mount upgrades version 1 data it finds when it
 * initializes, so tuning a mount from 1 to 2 keeps its secrets.
 */
export function createKvFactory(options: KvOptions = {}): BackendFactory {
  const now = options.now ?? systemClock;
  return async (conf) => {
    const version = conf.config['version'] ?? '';
    switch (version) {
      case '':
      case '1':
        return new KvBackend(passthroughBackend(conf));
      case '2':
        return new KvBackend(versionedBackend(conf, now));
      default:
        throw new CofferError('invalid_request', `unknown kv version "${version}": the version option must be 1 or 2`);
    }
  };
}

export const kvFactory: BackendFactory = createKvFactory();
