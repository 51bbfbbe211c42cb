// What an auto-auth method does: produce a login request (or a ready token)
// from its configured credentials. Methods are looked up by type, so a new
// one (jwt, cert, …) is one file and one line in ./methods.ts.
import type { ApiClient } from '../../api/client.js';
import type { AutoAuthMethodConfig } from '../config/types.js';
import type { Logger } from '../logger.js';

/** A login to perform: PUT body to path (relative to /v1/). */
export interface LoginRequest {
  kind: 'login';
  path: string;
  body: Record<string, unknown>;
  /** The client to send it with, when the method needs its own (TLS client certificate). */
  client?: ApiClient;
}

/** A token the method already holds (token_file). */
export interface ReadyToken {
  kind: 'token';
  token: string;
}

export interface AuthMethod {
  readonly type: string;
  /** Reads the credentials (files are read on each attempt, as Vault does) and says how to log in. */
  authenticate(): Promise<LoginRequest | ReadyToken>;
}

export interface MethodContext {
  config: AutoAuthMethodConfig;
  client: ApiClient;
  logger: Logger;
}

/** A problem with the method's configuration, reported at start. */
export class MethodConfigError extends Error {
  constructor(type: string, message: string) {
    super(`auto_auth method "${type}": ${message}`);
    this.name = 'MethodConfigError';
  }
}

/** A string setting from the method's config map. */
export function configString(ctx: MethodContext, key: string, required: boolean): string | undefined {
  const value = ctx.config.config[key];
  if (value === undefined || value === '') {
    if (required) throw new MethodConfigError(ctx.config.type, `"${key}" is required in its config`);
    return undefined;
  }
  if (typeof value !== 'string') throw new MethodConfigError(ctx.config.type, `"${key}" must be a string`);
  return value;
}

/** A boolean setting from the method's config map (Vault's loose parsing). */
export function configBool(ctx: MethodContext, key: string, fallback: boolean): boolean {
  const value = ctx.config.config[key];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', '1', 't', 'TRUE', 'True'].includes(value)) return true;
  if (typeof value === 'string' && ['false', '0', 'f', 'FALSE', 'False'].includes(value)) return false;
  throw new MethodConfigError(ctx.config.type, `"${key}" must be true or false`);
}
