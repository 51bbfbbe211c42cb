import type { Logger, Storage } from '@coffer/sdk';

/**
 * The bottom of the storage stack. The barrier sits on top and only ever
 * stores ciphertext here. Optional capabilities (e.g. `Transactional` from
 * @coffer/sdk) are discovered at run time with `isTransactional()`.
 */
export interface PhysicalBackend extends Storage {
  /** The storage type from the config stanza ("inmem", "file", "sqlite", …). */
  readonly name: string;
  /** Releases files, handles and connections. Safe to call more than once. */
  close(): Promise<void>;
}

/** Opens one storage type from its config stanza (`storage "TYPE" { … }`). */
export type PhysicalFactory = (config: Record<string, string>, logger: Logger) => Promise<PhysicalBackend>;
