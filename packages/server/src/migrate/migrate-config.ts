import { CofferError } from '@coffer/sdk';
import { decodeConfigText } from '../config/decode.js';
import { FileContext } from '../config/file-context.js';
import { SourceLocator } from '../config/locate.js';
import { parseStorageStanza } from '../config/stanza.js';
import type { StorageConfig } from '../config/types.js';

/** `coffer operator migrate -config=FILE`: Vault's migration config (HCL or JSON). */
export interface MigrateConfig {
  source: StorageConfig;
  destination: StorageConfig;
}

const KNOWN_KEYS = new Set(['storage_source', 'storage_destination', 'cluster_addr']);

export function parseMigrateConfig(text: string, fileName: string): MigrateConfig {
  const { syntax, root } = decodeConfigText(text, fileName);
  const ctx = new FileContext(fileName, new SourceLocator(text.replace(/^\uFEFF/, ''), syntax));
  const unknown = Object.keys(root).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) throw new CofferError('invalid_request', `${fileName}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (a migration config has storage_source and storage_destination)`);
  const source = parseStorageStanza(root['storage_source'], 'storage_source', ctx);
  const destination = parseStorageStanza(root['storage_destination'], 'storage_destination', ctx);
  if (!source || !destination) {
    throw new CofferError('invalid_request', `${fileName}: both storage_source "TYPE" { … } and storage_destination "TYPE" { … } are required`);
  }
  return { source, destination };
}
