import type { Logger, OpenedDatabasePlugin, PathDefinition } from '@coffer/sdk';
import type { AuditBroker } from '../../audit/index.js';
import type { ReportingBarrier } from '../../barrier/reporting-barrier.js';
import type { ExpirationManager } from '../../expiration/index.js';
import type { BackendSource } from '../../mounts/backend-source.js';
import type { MountBoundary } from '../../mounts/mount-boundary.js';
import type { MountManager } from '../../mounts/mount-manager.js';
import type { PolicyStore } from '../../policy/index.js';
import type { PasswordPolicyStore } from '../../password-policy/index.js';
import type { AclPort } from '../ports.js';
import type { Router } from '../router.js';
import type { TokenLayer } from '../token-layer.js';
import type { ResponseWrapper } from '../wrapping.js';
import type { Invalidator } from '../invalidation.js';
import type { StageContribution } from '../pipeline/stage.js';
import type { InvalidationHandler } from '../invalidation.js';
import type { MetricsSink } from '../../metrics/sink.js';

/**
 * The services modules hand each other, by name. A module that adds a new
 * service extends this interface from its own file (declaration merging):
 *
 *   declare module '../core/modules/module.js' { interface CoreServices { quotas: QuotaStore } }
 */
export interface CoreServices {
  // Root services, given by the core before any module is built.
  /** The barrier; writes through it are reported to the caches (`barrier.unreported` for a mount's own data). */
  barrier: ReportingBarrier;
  /** Tells every cache that a storage entry changed (the HA standby will drive it too). */
  invalidator: Invalidator;
  router: Router;
  /** Where subsystems record Vault's metrics (vault.token.*, vault.audit.*); the metrics module serves them. */
  metrics: MetricsSink;
  /** This server's address as clients reach it (api_addr, else its first listener's URL). */
  serverAddress: string;
  /** Server-wide lease defaults (default_lease_ttl / max_lease_ttl), seconds. */
  systemTtls: () => { defaultTtl: number; maxTtl: number };
  /** Seal the server (sys/seal): answers first, seals right after. */
  sealControl: {
    sealFromRequest(): Promise<void>;
    /** sys/rekey/backup: the PGP-encrypted shares a rekey with `backup` kept. */
    rekeyBackup(): Promise<Record<string, unknown>>;
    deleteRekeyBackup(): Promise<void>;
  };
  // Provided by the core's modules (see core/modules/*.ts).
  policies: PolicyStore;
  /** sys/policies/password: named password policies, and generation from them. */
  passwordPolicies: PasswordPolicyStore;
  acl: AclPort;
  expiration: ExpirationManager;
  audit: AuditBroker;
  mounts: MountManager;
  boundary: MountBoundary;
  tokens: TokenLayer;
  wrapper: ResponseWrapper;
  /** The built-in engines plus the core's own backends (sys/, auth/token/). */
  builtinSource: BackendSource;
  /** Where mounts come from: the built-ins, wrapped by the plugin catalog when plugins are on. */
  plugins: MountSources;
}

/** What the mount table needs of the plugin system (or of its absence). */
export interface MountSources {
  source: BackendSource;
  knownType(kind: 'secret' | 'auth', type: string): Promise<boolean>;
  openDatabasePlugin?: (name: string, version: string) => Promise<OpenedDatabasePlugin | null>;
}

export type ServiceName = keyof CoreServices & string;

/** What a module may use while it is being built: the services it declared, nothing else (never the core). */
export interface ModuleContext {
  readonly logger: Logger;
  /** A service of a module started earlier; only names listed in `needs`. */
  get<K extends ServiceName>(name: K): CoreServices[K];
  /**
   * A service that may be provided by a module started later (the mount table
   * needs the sys backend, which needs the mount table). Only names listed in
   * `uses`; the function throws if called before the provider started.
   */
  later<K extends ServiceName>(name: K): () => CoreServices[K];
  /** Every sys path contributed by any module; read it when the sys backend is built (at mount load). */
  sysPaths(): PathDefinition[];
  /** Every sys root (sudo) and unauthenticated path contributed by any module. */
  sysSpecialPaths(): { root: string[]; unauthenticated: string[] };
  /**
   * Starts or stops every module's `active` work (the HA module calls it when
   * this node becomes the active node or stops being it). Idempotent.
   */
  activeWork(): ActiveWork;
}

/** What only the active node of a cluster runs (lease expiry, periodic functions). */
export interface ActiveWork {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What a started module adds to the core. */
export interface ModuleContribution {
  services?: Partial<CoreServices>;
  /** Path groups of the system backend (`sys/...`), relative to `sys/`. */
  sysPaths?: PathDefinition[];
  /** Sys paths (relative to `sys/`) that need sudo, and those reachable without a token. */
  sysRootPaths?: string[];
  sysUnauthenticatedPaths?: string[];
  /** Request pipeline stages (see pipeline/stage-order.ts for where each goes). */
  stages?: StageContribution[];
  /** Called when a storage entry under `prefix` changed below the module's caches. */
  invalidation?: InvalidationHandler[];
  /** Runs after every module was built, in dependency order (load tables, restore leases). */
  start?(): Promise<void>;
  /** Runs at seal, in reverse dependency order. */
  stop?(): Promise<void>;
  /**
   * Work only the active node runs (lease expiry, periodic functions): started
   * when this node becomes active (at once without HA), stopped when it steps
   * down and at seal. See core/modules/ha-module.ts.
   */
  active?: ActiveWork;
  /** Runs once routing is open and every invalidation handler is registered (the HA module starts contending here). */
  ready?(): Promise<void>;
}

/**
 * One subsystem of the core: it declares what it needs and contributes
 * services, sys paths, pipeline stages, invalidation handlers and start/stop.
 * The core builds modules in dependency order at unseal and stops them in
 * reverse at seal.
 */
export interface CoreModule {
  readonly name: string;
  /** Services that must exist before this module is built (they order the modules). */
  readonly needs?: readonly ServiceName[];
  /** Services this module reaches only lazily (no ordering; see ModuleContext.later). */
  readonly uses?: readonly ServiceName[];
  /** Services this module provides. */
  readonly provides?: readonly ServiceName[];
  build(ctx: ModuleContext): ModuleContribution | Promise<ModuleContribution>;
}
