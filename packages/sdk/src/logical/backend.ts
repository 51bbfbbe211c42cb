import type { Logger } from '../logger.js';
import type { Storage } from '../storage/storage.js';
import type { Request } from './request.js';
import type { Response } from './response.js';
import type { SystemView } from './system-view.js';

export type BackendType = 'logical' | 'credential';

/**
 * Paths with special treatment, as glob-like prefixes relative to the mount
 * ("login", "login/*", "role/+/secret-id"): `root` paths need sudo,
 * `unauthenticated` paths need no token.
 */
export interface SpecialPaths {
  root?: string[];
  unauthenticated?: string[];
  localStorage?: string[];
  sealWrapStorage?: string[];
}

export interface ExistenceCheckResult {
  /** False when the path has no existence check (then create is treated as update). */
  checkFound: boolean;
  exists: boolean;
}

/**
 * The contract every secrets engine and auth method implements, built in or
 * external. An external plugin is a Backend whose calls cross a process.
 */
export interface Backend {
  readonly type: BackendType;
  handleRequest(req: Request): Promise<Response | null>;
  handleExistenceCheck(req: Request): Promise<ExistenceCheckResult>;
  specialPaths(): SpecialPaths;
  /** Called once after the mount is set up and the storage is available. */
  initialize(req: { storage: Storage }): Promise<void>;
  /** Called when the mount is unmounted, sealed, or its plugin is reloaded. */
  cleanup(): Promise<void>;
  /** Called when another node changed a key in this mount's storage. */
  invalidateKey(key: string): Promise<void>;
  /** The version the running code reports ("v1.2.3", or "" if unversioned). */
  pluginVersion(): string;
}

export interface BackendConfig {
  /** The mount's storage view (requests carry it too). */
  storage: Storage;
  system: SystemView;
  logger: Logger;
  /** Mount options (`options` of sys/mounts), e.g. {version: "2"} for kv. */
  config: Record<string, string>;
  backendUuid: string;
}

export type BackendFactory = (conf: BackendConfig) => Promise<Backend>;
