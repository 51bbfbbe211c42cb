export { prepareSandbox, describeEnforcement, SANDBOX_SETUP_FAILED, type SandboxedLaunch } from './sandbox.js';
export type { Enforcement } from './enforcement.js';
export { DEFAULT_CGROUP_PARENT, type ProcessLimits } from './process-limits.js';
export { formatBytes } from './byte-size.js';
export { cgroupVersion } from './cgroups.js';
