import { spawn, type ChildProcess } from 'node:child_process';
import { type Logger } from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { preview, readHandshake } from './handshake-reader.js';
import { PluginLaunchError } from './launch-error.js';
import { forEachLine, logPluginLine } from './output-lines.js';
import { buildPluginEnv, type PluginEnvInput } from './plugin-env.js';
import { PluginProcess } from './plugin-process.js';
import { prepareSandbox, type ProcessLimits } from './sandbox/index.js';

export interface LaunchOptions {
  /** Absolute path of the executable, already checked by the caller (plugin_directory, sha256). */
  command: string;
  args?: readonly string[];
  /** The catalog entry's env (["K=V", …] or an object); the server's own env is not passed on. */
  env?: PluginEnvInput;
  /** Used in logs and error messages, e.g. "my-plugin" or "secret/my-plugin/v1.2.0". */
  name: string;
  logger: Logger;
  /** How long the plugin may take to print its handshake line. */
  handshakeTimeoutMs?: number;
  /** How long kill() waits after SIGTERM before SIGKILL. */
  killGraceMs?: number;
  /** gRPC deadline of each call into the plugin (default: 90 s, Vault's max_request_duration). */
  callTimeoutMs?: number;
  /** A `process` plugin runtime's limits (sandbox/): the plugin is started inside them. */
  sandbox?: ProcessLimits;
}

const STDERR_TAIL = 2048;
/** How long the last output of an exited plugin (a crash's stack trace) may take to arrive. */
const STDIO_DRAIN_MS = 1000;
/** How long the exit of a sandboxed plugin waits for its last stderr (to tell why it died); short of PluginProcess's own settle time. */
const SANDBOX_EXIT_SETTLE_MS = 200;

/**
 * Starts a plugin process and connects to it (docs/plugin-protocol.md):
 * exec with the magic cookie and a one-time client certificate, read the
 * handshake line, pin the plugin's certificate, dial its unix socket with
 * mutual TLS. Its stderr is logged line by line under the plugin's name.
 *
 * Fails with a PluginLaunchError (a CofferError) saying what went wrong;
 * a plugin that is still running then is killed.
 */
export async function launchPlugin(options: LaunchOptions): Promise<PluginProcess> {
  const { command, name } = options;
  const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const logger = options.logger.child({ plugin: name });
  const hostIdentity = await pluginProtocol.generateTlsIdentity();
  const sandbox = options.sandbox ? await prepareSandbox(options.sandbox, { name, command, args: options.args ?? [] }) : undefined;
  if (sandbox) {
    logger.debug({ runtime: options.sandbox!.runtime, enforcement: sandbox.enforcement.mechanism }, 'starting plugin in its runtime');
    for (const warning of sandbox.enforcement.warnings) logger.warn({ runtime: options.sandbox!.runtime }, warning);
  }

  // stdin stays an open pipe we never write to: the SDK exits when it closes,
  // so a plugin does not outlive a server that died without stopping it.
  const child = spawn(sandbox?.command ?? command, sandbox?.args ?? [...(options.args ?? [])], {
    env: buildPluginEnv(options.env, hostIdentity.certPem),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrTail = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; reason?: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      releaseStdio(child, STDIO_DRAIN_MS);
      if (!sandbox) return resolve({ code, signal });
      // The runtime may know why (its cgroup's OOM kill count; a failed
      // allocation on stderr, so give that a moment to arrive).
      const settle = new Promise((done) => {
        child.once('close', done);
        setTimeout(done, SANDBOX_EXIT_SETTLE_MS).unref();
      });
      void settle.then(() => {
        const reason = sandbox.explainExit({ code, signal }, stderrTail);
        void sandbox.release();
        resolve({ code, signal, ...(reason ? { reason } : {}) });
      });
    });
    // A spawn error may come without an 'exit'.
    child.once('error', () => {
      void sandbox?.release();
      resolve({ code: child.exitCode, signal: child.signalCode });
    });
  });
  child.stdin?.on('error', () => undefined); // EPIPE once the plugin is gone

  const pluginLog = logger.child({ stream: 'stderr' });
  forEachLine(child.stderr!, (line) => {
    stderrTail = `${stderrTail}${line}\n`.slice(-STDERR_TAIL);
    logPluginLine(pluginLog, line);
  });

  const fail = async (err: PluginLaunchError): Promise<never> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGKILL');
      await exit;
    }
    // A process it started may still hold the pipes open; we are done with them.
    releaseStdio(child, 0);
    logger.error({ failure: err.failure }, err.message);
    throw err;
  };

  let output;
  try {
    output = await readHandshake(child, { name, command, timeoutMs, stderrTail: () => stderrTail });
  } catch (err) {
    const failure = (err as PluginLaunchError).failure;
    const reason = sandbox && (failure === 'exited' || failure === 'timeout') ? sandbox.explainFailedStart(stderrTail) : undefined;
    if (reason) return fail(new PluginLaunchError('runtime-limit', `plugin "${name}" could not start in plugin runtime "${options.sandbox!.runtime}": ${reason}`, 'invalid_request'));
    return fail(err as PluginLaunchError);
  }

  let handshake: pluginProtocol.Handshake;
  try {
    handshake = pluginProtocol.parseHandshakeLine(output.line);
  } catch (err) {
    return fail(
      new PluginLaunchError(
        'bad-handshake',
        `plugin "${name}" did not print a Coffer handshake line (${(err as Error).message}); it printed: ${preview(output.line)}`,
      ),
    );
  }
  const problem = incompatibility(handshake);
  if (problem) return fail(new PluginLaunchError('incompatible', `plugin "${name}" ${problem}`));
  let pluginCertDer: Buffer;
  try {
    pluginProtocol.certDerToPem(handshake.serverCertDer);
    pluginCertDer = handshake.serverCertDer;
  } catch {
    return fail(new PluginLaunchError('bad-handshake', `plugin "${name}" sent a server certificate that is not a DER X.509 certificate`));
  }

  // From here on, stdout is just more log output.
  const stdoutLog = logger.child({ stream: 'stdout' });
  forEachLine(child.stdout!, (line) => stdoutLog.debug({}, line), output.rest);

  logger.debug({ pid: child.pid, protocol: handshake.appVersion }, 'plugin started');
  return new PluginProcess({
    name,
    child,
    exit,
    logger,
    hostIdentity,
    pluginCertDer,
    socketPath: handshake.address,
    protocolVersion: handshake.appVersion,
    killGraceMs: options.killGraceMs ?? 2000,
    ...(sandbox?.owner ? { socketOwner: sandbox.owner } : {}),
    ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
  });
}

/** Why a well-formed handshake cannot be served, or undefined. */
function incompatibility(h: pluginProtocol.Handshake): string | undefined {
  if (h.coreVersion !== pluginProtocol.CORE_PROTOCOL_VERSION) {
    return `uses handshake format ${h.coreVersion}; Coffer reads format ${pluginProtocol.CORE_PROTOCOL_VERSION}`;
  }
  if (h.appVersion !== pluginProtocol.APP_PROTOCOL_VERSION) {
    const vaultHint = h.appVersion >= 3 && h.appVersion <= 5 ? ' (protocols 3 to 5 are HashiCorp Vault\'s: rebuild the plugin with @coffer/sdk)' : '';
    return `speaks plugin protocol ${h.appVersion}; Coffer speaks ${pluginProtocol.APP_PROTOCOL_VERSION}${vaultHint}`;
  }
  if (h.network !== 'unix') return `listens on network "${h.network}"; Coffer plugins must listen on a unix socket`;
  if (!h.address.startsWith('/')) return `gave socket address "${h.address}"; it must be an absolute path`;
  if (h.protocol !== 'grpc') return `speaks "${h.protocol}"; Coffer plugins speak grpc`;
  if (h.serverCertDer.length === 0) return 'sent no server certificate; Coffer requires mutual TLS';
  return undefined;
}

/**
 * Closes our ends of a plugin's pipes once its output has drained or after
 * `graceMs`: a process the plugin started (and left behind) would otherwise
 * hold them open, and keep the server's event loop busy, for its lifetime.
 */
function releaseStdio(child: ChildProcess, graceMs: number): void {
  const destroy = () => {
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  if (graceMs <= 0) return destroy();
  const timer = setTimeout(destroy, graceMs);
  timer.unref();
  child.once('close', () => clearTimeout(timer));
}
