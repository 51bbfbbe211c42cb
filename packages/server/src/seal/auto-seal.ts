/**
 * An auto-unseal seal (Vault's "seal wrapper"): something outside this
 * server that encrypts the root key, so the server can unseal itself at
 * start. Only the root key crosses it, and only at init, unseal and seal
 * migration.
 */
export interface AutoSeal {
  /** The stanza's type, reported by seal-status ("transit"). */
  readonly type: string;
  /** Encrypts the root key; the opaque result is stored in the seal configuration. */
  encrypt(plaintext: Buffer): Promise<string>;
  /** Decrypts what encrypt() returned (also after the remote key was rotated). */
  decrypt(ciphertext: string): Promise<Buffer>;
  /** Stops background work (token renewal). */
  close(): void;
}

/** The seal stanzas of a configuration, as the seal manager acts on them. */
export interface SealSetup {
  /** The seal that protects the root key now; undefined means Shamir. */
  autoSeal?: AutoSeal;
  /**
   * Set during a seal migration: the seal being left. `{ from: autoSeal }`
   * with no `autoSeal` above migrates an auto seal to Shamir; `{ from:
   * 'shamir' }` with an `autoSeal` migrates Shamir to it.
   */
  migrateFrom?: AutoSeal | 'shamir';
}
