import { CofferError, StorageView, clearPrefix, openApiDocument, mergeOpenApi, prefixOpenApiPaths, type OpenApiPaths, type Logger, type PathDefinition, type Request, type Storage } from '@coffer/sdk';
import { cubbyholePrefix } from '@coffer/builtin';
import { AuditBroker, auditSysPaths } from '../audit/index.js';
import { AesGcmBarrier } from '../barrier/index.js';
import { createExpirationManager, leasePaths, type ExpirationManager } from '../expiration/index.js';
import type { LifecycleCall } from '../http/handler.js';
import { builtinSource, isBuiltinType } from '../mounts/builtin-source.js';
import type { BackendSource } from '../mounts/backend-source.js';
import { routerPath, type MountEntry } from '../mounts/mount-entry.js';
import { MountManager } from '../mounts/mount-manager.js';
import type { PhysicalBackend } from '../physical/index.js';
import { createPolicyStore, policyAclPort, policySysPaths, type PolicyStore } from '../policy/index.js';
import { PasswordPolicyStore, passwordPolicySysPaths } from '../password-policy/index.js';
import { createSealManager, handleLifecycle, isLifecyclePath, type SealManager } from '../seal/index.js';
import { createSystemBackend } from '../sys/backend.js';
import { callBackend } from './backend-calls.js';
import { defaultMounts } from './default-mounts.js';
import type { IncomingRequest, PipelineResult } from './pipeline-types.js';
import { RequestHandler } from './request-handler.js';
import { Router } from './router.js';
import { mountTtls, systemViewFor } from './system-view.js';
import { createTokenLayer, type TokenLayer } from './token-layer.js';
import { REPORTED_VERSION } from './version.js';
import { ResponseWrapper } from './wrapping.js';

/** How often each mount's periodic function runs. */
const PERIODIC_INTERVAL_MS = 60_000;

export interface CoreOptions {
  physical: PhysicalBackend;
  storageType: string;
  logger: Logger;
  /** Seconds. */
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  clusterName?: string;
  /**
   * Wraps the built-in backend source (the plugin catalog resolves external
   * plugins and overrides first, then falls back to the built-ins).
   */
  wrapSource?: (builtin: BackendSource, core: Core) => BackendSource;
  /** Extra sys/ path groups (plugin catalog, reload). */
  extraSysPaths?: (core: Core) => PathDefinition[];
  /** Extra work after unseal / before seal (plugin runtime). */
  onUnsealed?: (core: Core) => Promise<void>;
  onSealing?: (core: Core) => Promise<void>;
  /** Opens external database plugins for the database secrets engine. */
  openDatabasePlugin?: (name: string, version: string) => Promise<import('@coffer/sdk').OpenedDatabasePlugin | null>;
  /** Also called when knownType() cannot resolve a type from the built-ins. */
  knownType?: (kind: 'secret' | 'auth', type: string) => Promise<boolean>;
}

/** Everything that exists only while the server is unsealed. */
interface UnsealedState {
  policies: PolicyStore;
  expiration: ExpirationManager;
  tokens: TokenLayer;
  audit: AuditBroker;
  mounts: MountManager;
  handler: RequestHandler;
  wrapper: ResponseWrapper;
}

/**
 * Wires the subsystems together and owns the seal lifecycle. Every
 * subsystem is built by its own factory from the narrow set of things it
 * needs; the core only connects them.
 */
export class Core {
  readonly barrier: AesGcmBarrier;
  readonly seal: SealManager;
  readonly router = new Router();
  readonly logger: Logger;
  private state: UnsealedState | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: CoreOptions) {
    this.logger = options.logger;
    this.barrier = new AesGcmBarrier(options.physical, { logger: options.logger });
    this.seal = createSealManager({
      physical: options.physical,
      barrier: this.barrier,
      logger: options.logger.child({ component: 'seal' }),
      version: REPORTED_VERSION,
      storageType: options.storageType,
      clusterName: options.clusterName,
      hooks: {
        onUnsealed: () => this.postUnseal(),
        onSealing: () => this.preSeal(),
        createRootToken: async () => this.unsealed().tokens.createRootToken(),
        revokeRootToken: async (token) => this.unsealed().tokens.port.revoke(token),
      },
    });
  }

  isSealed(): boolean {
    return this.state === undefined;
  }

  systemTtls(): { defaultTtl: number; maxTtl: number } {
    return { defaultTtl: this.options.defaultLeaseTtl, maxTtl: this.options.maxLeaseTtl };
  }

  /** A client request, after the transport parsed it. */
  handle(incoming: IncomingRequest): Promise<PipelineResult> {
    if (!this.state) throw new CofferError('sealed', 'Vault is sealed');
    return this.state.handler.handle(incoming);
  }

  isLifecyclePath(path: string): boolean {
    return isLifecyclePath(path);
  }

  async lifecycle(call: LifecycleCall): Promise<{ status: number; body: unknown } | undefined> {
    const result = await handleLifecycle({ manager: this.seal }, { method: call.method, path: call.path, query: call.query, body: call.body });
    return result ?? undefined;
  }

  get mounts(): MountManager {
    return this.unsealed().mounts;
  }

  get tokens(): TokenLayer {
    return this.unsealed().tokens;
  }

  get expiration(): ExpirationManager {
    return this.unsealed().expiration;
  }

  get policies(): PolicyStore {
    return this.unsealed().policies;
  }

  private unsealed(): UnsealedState {
    if (!this.state) throw new CofferError('sealed', 'Vault is sealed');
    return this.state;
  }

  private async postUnseal(): Promise<void> {
    const logger = this.logger;
    const barrier: Storage = this.barrier;
    const policies = createPolicyStore({ storage: new StorageView(barrier, 'sys/policy/'), logger: logger.child({ component: 'policy' }) });
    await policies.setupDefaults();

    // Leases call back into the router to reach the backend that issued them.
    const expiration = createExpirationManager({
      storage: new StorageView(barrier, 'sys/expire/'),
      logger: logger.child({ component: 'expiration' }),
      revokeSecret: async (lease) => {
        await callBackend(this.router, lease.path, 'revoke', { secret: lease.secret, data: lease.data ?? {} });
      },
      renewSecret: (lease, increment) => callBackend(this.router, lease.path, 'renew', { secret: { ...lease.secret!, increment }, data: lease.data ?? {} }),
      renewAuth: (lease, increment) => callBackend(this.router, lease.path, 'renew', { auth: { ...lease.auth!, increment }, data: {} }),
      mountTtls: (path) => {
        const route = this.router.match(path);
        return route ? mountTtls(route.entry, this.systemTtls()) : null;
      },
    });

    const audit = new AuditBroker(barrier, logger.child({ component: 'audit' }));
    await audit.load();

    const cubbyholeStorage = (): Storage => {
      const entry = mounts.find('mounts', 'cubbyhole/');
      if (!entry) throw new CofferError('internal', 'the cubbyhole mount is missing');
      return mounts.storageOf(entry);
    };
    const tokens = createTokenLayer({
      barrier: this.barrier,
      expiration,
      logger: logger.child({ component: 'token' }),
      tokenMountTtls: () => {
        const entry = mounts.find('auth', 'token/');
        return entry ? mountTtls(entry, this.systemTtls()) : this.systemTtls();
      },
      destroyCubbyhole: (cubbyholeId) => clearPrefix(new StorageView(cubbyholeStorage(), cubbyholePrefix(cubbyholeId))),
      hasSudo: (req) => handler.decisionFor(req)?.rootPrivs ?? false,
      policyExists: async (name) => (await policies.get(name)) !== null,
    });
    // Wrapped responses live in the wrapping token's own cubbyhole, so they vanish with it.
    // The wrapper validates (and uses) the wrapping token itself; here a token on its last use, pending
    // revocation, must still find its cubbyhole (unwrapping with the wrapping token as the request token).
    const cubbyholeOf = async (token: string): Promise<Storage> => {
      const entry = await tokens.store.lookup(token, { tainted: true });
      if (!entry) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
      if (!entry.cubbyholeId) throw new CofferError('internal', 'token has no cubbyhole');
      return new StorageView(cubbyholeStorage(), cubbyholePrefix(entry.cubbyholeId));
    };

    const wrapper = new ResponseWrapper({ tokens: tokens.port, cubbyholeOf });
    const acl = policyAclPort(policies);

    const passwordPolicies = new PasswordPolicyStore(new StorageView(barrier, 'sys/password_policy/'));
    const viewFor = (entry: MountEntry) =>
      systemViewFor(entry, {
        systemTtls: () => this.systemTtls(),
        wrapData: (data, ttl) => this.wrapData(data, ttl),
        openDatabasePlugin: this.options.openDatabasePlugin,
        generatePassword: (policy) => passwordPolicies.generate(policy),
      });
    let mounts: MountManager;
    const sysFactory = async () =>
      createSystemBackend({
        mounts,
        systemTtls: () => this.systemTtls(),
        acl,
        tokenInfo: (token) => tokens.port.check(token, undefined),
        tokenInfoByAccessor: (accessor) => tokens.infoByAccessor(accessor),
        wrapper,
        seal: () => this.sealFromRequest(),
        rotate: () => this.barrier.rotate(),
        keyStatus: () => this.barrier.keyStatus(),
        openapi: (req) => this.openapi(req),
        knownType: async (kind, type) => isBuiltinType(kind, type) || (await this.options.knownType?.(kind, type)) === true,
        logger: logger.child({ component: 'sys' }),
        extraPaths: [...policySysPaths(policies), ...passwordPolicySysPaths(passwordPolicies), ...leasePaths(expiration), ...auditSysPaths(audit), ...(this.options.extraSysPaths?.(this) ?? [])],
      });
    const builtin = builtinSource({ system: sysFactory, token: async () => tokens.backend });
    mounts = new MountManager({
      barrier,
      router: this.router,
      source: this.options.wrapSource ? this.options.wrapSource(builtin, this) : builtin,
      systemViewFor: viewFor,
      logger: logger.child({ component: 'mounts' }),
      revokeLeasesUnder: (prefix) => expiration.revokePrefix(prefix, { sync: true }),
      defaultMounts,
    });

    const handler = new RequestHandler({
      router: this.router,
      tokens: tokens.port,
      acl,
      leases: tokens.leases,
      audit,
      wrapper,
      logger,
      isSealed: () => this.isSealed(),
      mountTtls: (entry) => mountTtls(entry, this.systemTtls()),
      mountError: (entry) => mounts.runningInfo(entry).error,
      systemViewFor: viewFor,
    });

    this.state = { policies, expiration, tokens, audit, mounts, handler, wrapper };
    try {
      await mounts.load();
      // Leases load in the background: with a million of them the server answers at once, and
      // lookups, revocations and expiries work on storage until the in-memory index is complete.
      void expiration.restore().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'restoring leases failed'));
      await this.options.onUnsealed?.(this);
    } catch (err) {
      this.state = undefined;
      throw err;
    }
    this.periodicTimer = setInterval(() => void this.runPeriodic(), PERIODIC_INTERVAL_MS);
    this.periodicTimer.unref();
    logger.info({}, 'post-unseal setup complete');
  }

  private async preSeal(): Promise<void> {
    const state = this.state;
    if (!state) return;
    await this.options.onSealing?.(this).catch((err: unknown) => this.logger.warn({ err: String(err) }, 'plugin shutdown failed'));
    this.state = undefined;
    clearInterval(this.periodicTimer);
    state.expiration.stop();
    await state.mounts.unload();
    await state.audit.unload();
    this.logger.info({}, 'sealed: every backend stopped');
  }

  /** Vault's rollback manager: every mount's periodic function (tidy, rotation) runs once a minute. */
  private async runPeriodic(): Promise<void> {
    for (const route of this.router.all()) {
      if (this.isSealed()) return;
      await callBackend(this.router, route.path, 'rollback', {}).catch((err: unknown) => {
        this.logger.debug({ mount: route.path, err: err instanceof Error ? err.message : String(err) }, 'periodic function failed');
      });
    }
  }

  /** sys/seal arrives as a request: answer it first, then seal (so the response is not cut off). */
  private async sealFromRequest(): Promise<void> {
    setImmediate(() => {
      this.seal.seal().catch((err: unknown) => this.logger.error({ err: String(err) }, 'seal failed'));
    });
  }

  private async wrapData(data: Record<string, unknown>, ttl: number) {
    const state = this.unsealed();
    return state.wrapper.wrap({ result: { requestId: globalThis.crypto.randomUUID(), response: { data } }, ttl, creationPath: 'sys/wrapping/wrap' });
  }

  private async openapi(req: Request): Promise<Record<string, unknown>> {
    const docs: OpenApiPaths[] = [];
    // Only the mounts the calling token can reach are described, as in Vault.
    const acl = await this.unsealed().policies.acl(req.policies);
    for (const route of this.router.all()) {
      if (!acl.hasMountAccess(route.path)) continue;
      const backend = route.backend as { paths?: PathDefinition[] };
      if (!backend.paths) {
        // External plugins answer a help request with their document.
        const help = await route.backend.handleRequest({ ...req, operation: 'help', path: '', storage: route.storage }).catch(() => null);
        const doc = help?.data?.['openapi'] as Partial<OpenApiPaths> | undefined;
        if (doc?.paths) docs.push(prefixOpenApiPaths({ paths: doc.paths }, route.path));
        continue;
      }
      // Given the mount path, openApiDocument already writes full paths ("/secret/data/{path}").
      docs.push(openApiDocument(backend.paths, { mountPath: route.path, backendType: route.backend.type, specialPaths: route.backend.specialPaths() }));
    }
    // The document becomes the response data as a whole (Vault answers with the document itself).
    return { ...mergeOpenApi(docs, { version: REPORTED_VERSION }) };
  }
}

export { routerPath, type MountEntry };
