import { newMountEntry, type MountEntry } from '../mounts/mount-entry.js';

/** The mounts every server has from its first unseal, as in Vault. */
export function defaultMounts(): MountEntry[] {
  return [
    newMountEntry('mounts', 'sys/', 'system', { description: 'system endpoints used for control, policy and debugging', builtin_required: true }),
    newMountEntry('mounts', 'cubbyhole/', 'cubbyhole', { description: 'per-token private secret storage', builtin_required: true, local: true }),
    newMountEntry('auth', 'token/', 'token', { description: 'token based credentials', builtin_required: true }),
    newMountEntry('mounts', 'identity/', 'identity', { description: 'identity store', builtin_required: true }),
  ];
}
