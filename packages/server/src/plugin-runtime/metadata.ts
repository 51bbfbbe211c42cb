import { CofferError, silentLogger, type Logger } from '@coffer/sdk';
import { launchPlugin } from './launch.js';
import { PluginLaunchError } from './launch-error.js';
import type { PluginEnvInput } from './plugin-env.js';
import type { PluginMetadata } from './plugin-process.js';
import type { ProcessLimits } from './sandbox/index.js';

/**
 * Runs a plugin binary once and asks what it is (secret engine, auth method
 * or database plugin) and which version it reports; the catalog calls this
 * at registration. A binary that does not speak the protocol fails with
 * CofferError 'invalid_request' (a PluginLaunchError, `failure` says how),
 * whose message says so and what the binary did instead.
 */
export async function runPluginMetadata(
  command: string,
  args: readonly string[] = [],
  env?: PluginEnvInput,
  options: { name?: string; logger?: Logger; handshakeTimeoutMs?: number; sandbox?: ProcessLimits } = {},
): Promise<PluginMetadata> {
  const name = options.name ?? command;
  let proc;
  try {
    proc = await launchPlugin({
      command,
      args,
      env,
      name,
      logger: options.logger ?? silentLogger,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    });
  } catch (err) {
    if (err instanceof PluginLaunchError && err.failure !== 'runtime-limit') {
      throw new PluginLaunchError(err.failure, `binary does not speak the Coffer plugin protocol: ${err.message}`, 'invalid_request');
    }
    throw err;
  }
  try {
    return await proc.metadata();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CofferError('invalid_request', `plugin "${name}" started but did not answer what it is: ${message}`);
  } finally {
    await proc.kill();
  }
}
