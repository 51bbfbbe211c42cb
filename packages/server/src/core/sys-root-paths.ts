/**
 * sys/ paths that need sudo on top of the usual capability, as in Vault.
 * Relative to the sys/ mount.
 */
export const SYS_ROOT_PATHS = [
  'auth/*',
  'remount',
  'audit',
  'audit/*',
  'raw',
  'raw/*',
  'rotate',
  // the stored PGP-encrypted rekey shares (seal/backup-sys-paths.ts)
  'rekey/backup',
  'rekey/recovery-key-backup',
  'rekey-recovery-key/backup',
  'seal',
  'step-down',
  'config/*',
  'plugins/catalog/*',
  'plugins/reload/backend',
  'plugins/pins/*',
  'plugins/runtimes/catalog',
  'plugins/runtimes/catalog/*',
  'revoke-prefix/*',
  'revoke-force/*',
  'leases/revoke-prefix/*',
  'leases/revoke-force/*',
  'leases/lookup/*',
  'internal/inspect/*',
];

/** sys/ paths reachable without a token. */
export const SYS_UNAUTHENTICATED_PATHS = [
  'wrapping/lookup',
  'health',
  'seal-status',
  'init',
  'leader',
  'internal/ui/mounts',
  'internal/ui/mounts/*',
];
