export { AesGcmBarrier, sealedError, type AesGcmBarrierOptions, type KeyStatus } from './aes-gcm.js';
export { KEYRING_PATH, SEAL_CONFIG_PATH, RESERVED_PHYSICAL_PATHS } from './paths.js';
