export { AesGcmBarrier, sealedError, type AesGcmBarrierOptions } from './aes-gcm.js';
export type { Barrier, KeyStatus } from './barrier.js';
export { KEYRING_PATH, SEAL_CONFIG_PATH, RESERVED_PHYSICAL_PATHS } from './paths.js';
