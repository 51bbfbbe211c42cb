import { CofferError, type ErrorCode } from '@coffer/sdk';

/** Why a plugin could not be started; lets callers choose a status without reading messages. */
export type PluginLaunchFailure =
  /** The executable could not be run at all (missing, not executable). */
  | 'spawn-failed'
  /** It exited before printing its handshake line. */
  | 'exited'
  /** It printed no handshake line in time. */
  | 'timeout'
  /** It printed something that is not a valid handshake line. */
  | 'bad-handshake'
  /** Its handshake is well-formed but asks for a protocol Coffer does not speak. */
  | 'incompatible'
  /** Its plugin runtime stopped it before its handshake (e.g. the memory limit is too small to start). */
  | 'runtime-limit';

/**
 * A plugin that failed to start. A CofferError ('internal' by default: the
 * server could not do what was asked) with the failure kind attached; the
 * catalog turns it into 'invalid_request' at registration time.
 */
export class PluginLaunchError extends CofferError {
  constructor(
    readonly failure: PluginLaunchFailure,
    message: string,
    code: ErrorCode = 'internal',
  ) {
    super(code, message);
  }
}

export function isPluginLaunchError(err: unknown): err is PluginLaunchError {
  return err instanceof PluginLaunchError;
}
