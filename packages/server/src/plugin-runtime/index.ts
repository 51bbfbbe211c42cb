export { launchPlugin, type LaunchOptions } from './launch.js';
export { runPluginMetadata } from './metadata.js';
export { PluginProcess, type PluginExitInfo, type PluginMetadata, type PluginType } from './plugin-process.js';
export { PluginBackend } from './backend-client.js';
export { PluginDatabase } from './database-client.js';
export { PluginLaunchError, isPluginLaunchError, type PluginLaunchFailure } from './launch-error.js';
export type { PluginEnvInput } from './plugin-env.js';
export { describeEnforcement, formatBytes, DEFAULT_CGROUP_PARENT, type Enforcement, type ProcessLimits } from './sandbox/index.js';
