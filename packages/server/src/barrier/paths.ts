/**
 * Physical paths that hold data the barrier cannot encrypt with its own
 * keyring: the keyring itself (encrypted under the root key) and the seal
 * configuration (plain JSON, read while sealed). They share the physical key
 * space with barrier entries, so the barrier refuses to read, overwrite or
 * list them; otherwise a core subsystem writing `core/keyring` through the
 * barrier would destroy every key.
 */
export const KEYRING_PATH = 'core/keyring';
export const SEAL_CONFIG_PATH = 'core/seal-config';

export const RESERVED_PHYSICAL_PATHS: readonly string[] = [KEYRING_PATH, SEAL_CONFIG_PATH];
