import type { Logger, PathDefinition, Request } from '@coffer/sdk';
import type { AclPort, TokenInfo } from '../core/ports.js';
import type { IdentityTemplateContext } from '../policy/templating.js';
import type { ResponseWrapper } from '../core/wrapping.js';
import type { MountManager } from '../mounts/mount-manager.js';

/** What the system backend's path groups may use: narrow, no back-pointer to a "core". */
export interface SysDeps {
  mounts: MountManager;
  /** Server-wide lease defaults (config default_lease_ttl / max_lease_ttl), seconds. */
  systemTtls: () => { defaultTtl: number; maxTtl: number };
  acl: AclPort;
  /** Resolve a token (or accessor) to its info; throws permission_denied / invalid_request when unknown. */
  tokenInfo: (token: string) => Promise<TokenInfo>;
  tokenInfoByAccessor: (accessor: string) => Promise<TokenInfo>;
  /** What a token's entity adds: its and its groups' policies, and the values of templated policy paths (null: no entity). */
  identityOf?: (entityId: string) => { policies: string[]; template: IdentityTemplateContext } | null;
  wrapper: ResponseWrapper;
  seal: () => Promise<void>;
  rotate: () => Promise<number>;
  keyStatus: () => { term: number; install_time: string; encryptions?: number };
  openapi: (req: Request) => Promise<Record<string, unknown>>;
  /** Whether the mount type exists (built in or in the catalog) before we try to mount it. */
  knownType: (kind: 'secret' | 'auth', type: string) => Promise<boolean>;
  logger: Logger;
  /** Extra path groups contributed by other subsystems (policies, leases, audit, plugins). */
  extraPaths: PathDefinition[];
  /** Sys paths other subsystems declare as needing sudo, or reachable without a token (relative to sys/). */
  extraRootPaths?: string[];
  extraUnauthenticatedPaths?: string[];
}
