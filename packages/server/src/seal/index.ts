export { createSealManager, type SealManager, type SealManagerOptions, type SealHooks } from './seal-manager.js';
export { handleLifecycle, isLifecyclePath, LIFECYCLE_PATHS, type LifecycleCall, type LifecycleContext, type LifecycleResult } from './lifecycle-api.js';
export { decodeRootToken, encodeRootToken, generateOtp, ROOT_TOKEN_OTP_LENGTH } from './root-token-otp.js';
export { disabledHa, type HaStatus } from './ha-status.js';
export { CLUSTER_INFO_PATH, type ClusterInfo } from './cluster-info.js';
export type * from './types.js';
export { rekeyBackupPaths, REKEY_BACKUP_PATHS } from './backup-sys-paths.js';
