import { CofferError, isCofferError, makeRequest, type Logger, type Request, type Response, type SystemView } from '@coffer/sdk';
import type { MountEntry } from '../mounts/mount-entry.js';
import type { AclDecision, AclPort, AuditPort, LeasePort, TokenInfo, TokenPort } from './ports.js';
import type { IncomingRequest, PipelineResult, RenderedAuth } from './pipeline-types.js';
import type { Route, Router } from './router.js';
import type { ResponseWrapper } from './wrapping.js';
import { wrappingTokenRefusal } from './wrapping-token-refusal.js';

export interface RequestHandlerDeps {
  router: Router;
  tokens: TokenPort;
  acl: AclPort;
  leases: LeasePort;
  audit: AuditPort;
  wrapper: ResponseWrapper;
  logger: Logger;
  isSealed: () => boolean;
  /** Lease TTL defaults of a mount after tuning. */
  mountTtls: (entry: MountEntry) => { defaultTtl: number; maxTtl: number };
  /** Error recorded for a mount whose backend could not start (missing plugin, bad checksum). */
  mountError: (entry: MountEntry) => string | undefined;
  systemViewFor: (entry: MountEntry) => SystemView;
}

/** Sys paths whose Vault responses also carry the data at the top level of the body. */
const LEGACY_TOP_LEVEL = [/^sys\/mounts\/?$/, /^sys\/auth\/?$/, /^sys\/policy(\/.+)?\/?$/, /^sys\/audit\/?$/, /^sys\/capabilities(-self|-accessor)?$/, /^sys\/mounts\/.+\/tune$/, /^sys\/auth\/.+\/tune$/, /^sys\/key-status$/];

/**
 * The request pipeline: authenticate → authorize (existence check decides
 * create vs update) → audit the request → route → register lease / issue
 * token → wrap → audit the response. One error path: everything throws
 * CofferError and the transport renders it.
 */
export class RequestHandler {
  /** ACL decisions of in-flight requests, for backends that must know about sudo (token create). */
  private readonly decisions = new WeakMap<Request, AclDecision>();

  constructor(private readonly deps: RequestHandlerDeps) {}

  decisionFor(req: Request): AclDecision | undefined {
    return this.decisions.get(req);
  }

  async handle(incoming: IncomingRequest): Promise<PipelineResult> {
    if (this.deps.isSealed()) throw new CofferError('sealed', 'Vault is sealed');
    const route = this.deps.router.match(incoming.path);
    if (!route) {
      throw new CofferError('unsupported_path', `no handler for route "${incoming.path}". route entry not found.`);
    }
    const relative = incoming.path.length >= route.path.length ? incoming.path.slice(route.path.length) : '';
    const unauthenticated = route.unauthenticatedPaths.matches(relative);

    let token: TokenInfo | undefined;
    if (!unauthenticated) {
      try {
        if (!incoming.token) throw new CofferError('permission_denied', 'permission denied');
        token = await this.deps.tokens.check(incoming.token, incoming.connection?.remoteAddress);
      } catch (err) {
        await this.auditRefusedToken(route, relative, incoming, err);
        throw wrappingTokenRefusal(incoming, err) ?? err;
      }
    }
    // On unauthenticated paths Vault still hands a valid token to the backend (sys/internal/ui/mounts
    // filters by it); it is neither authorized nor charged a use, and an invalid one is ignored.
    const caller = token ?? (incoming.token ? await this.deps.tokens.check(incoming.token, incoming.connection?.remoteAddress).catch(() => undefined) : undefined);

    const req = makeRequest({
      ...routedFields(route, relative, incoming),
      // The cubbyhole engine keys storage by the token's cubbyhole id, never by the token itself (as Vault's router does).
      clientToken: route.entry.type === 'cubbyhole' ? (caller?.cubbyholeId ?? '') : (caller?.id ?? ''),
      clientTokenAccessor: caller?.accessor ?? '',
      clientTokenRemainingUses: token && token.numUses > 0 ? token.numUses - 1 : 0,
      displayName: caller?.displayName ?? '',
      entityId: caller?.entityId ?? '',
      policies: caller?.policies ?? [],
      headers: incoming.headers,
      connection: incoming.connection,
      unauthenticated,
      wrapInfo: incoming.wrapTtl ? { ttl: incoming.wrapTtl, format: incoming.wrapFormat ?? '' } : undefined,
    });

    const mountError = this.deps.mountError(route.entry);

    if (token) {
      await this.resolveCreateOrUpdate(route, req, mountError);
      const decision = await this.deps.acl.authorize(token.policies, {
        path: incoming.path,
        operation: req.operation,
        data: req.data,
        wrapTtl: incoming.wrapTtl,
      });
      const needsSudo = route.rootPaths.matches(relative);
      if (!decision.allowed || (needsSudo && !decision.rootPrivs)) {
        await this.auditDenied(token, req);
        // Vault charges a use even for a denied request, so a limited-use token cannot probe for free.
        await this.useDenied(token);
        throw new CofferError('permission_denied', 'permission denied', { errors: ['1 error occurred:\n\t* permission denied\n\n'] });
      }
      this.decisions.set(req, decision);
    }

    await this.deps.audit.logRequest({ token, request: req });

    let lastUse = false;
    if (token) lastUse = await this.deps.tokens.use(token);
    try {
      return await this.dispatch(route, req, token, incoming);
    } catch (err) {
      await this.deps.audit.logResponse({ token, request: req, error: isCofferError(err) ? err.message : 'internal error' }).catch(() => undefined);
      throw err;
    } finally {
      if (lastUse && token) await this.deps.tokens.revoke(token.id).catch((e: unknown) => this.deps.logger.warn({ err: String(e) }, 'revoking a used-up token failed'));
    }
  }

  private async dispatch(route: Route, req: Request, token: TokenInfo | undefined, incoming: IncomingRequest): Promise<PipelineResult> {
    const mountError = this.deps.mountError(route.entry);
    if (mountError) throw new CofferError('unavailable', `mount "${route.path}" is not available: ${mountError}`);

    let response = await route.backend.handleRequest(req);
    // Vault answers a read or list that found nothing with 404 and an empty error list.
    if (!response && (req.operation === 'read' || req.operation === 'list')) throw new CofferError('not_found', '');
    if (req.operation === 'list' && !req.wrapInfo && isEmptyList(response)) throw new CofferError('not_found', '');
    const result: PipelineResult = {
      requestId: req.id,
      response,
      mountType: route.entry.type,
      mergeDataIntoBody: LEGACY_TOP_LEVEL.some((re) => re.test(incoming.path)),
    };
    const ttls = this.deps.mountTtls(route.entry);

    if (response?.secret?.leaseId) {
      // A renewal answers with the lease it renewed: nothing new to register.
      result.leaseId = response.secret.leaseId;
      result.leaseDuration = response.secret.ttl;
      result.renewable = response.secret.renewable;
    } else if (response?.secret && isPassthroughKv(route.entry)) {
      // Vault's kv (and generic) mounts report a TTL hint but never register a lease, unless leased_passthrough is on.
      result.leaseDuration = response.secret.ttl || ttls.defaultTtl;
    } else if (response?.secret) {
      const lease = await this.deps.leases.registerSecret({
        path: incoming.path,
        clientToken: req.clientToken,
        response,
        defaultTtl: ttls.defaultTtl,
        maxTtl: ttls.maxTtl,
      });
      result.leaseId = lease.leaseId;
      result.leaseDuration = lease.ttl;
      result.renewable = lease.renewable;
    }

    if (response?.auth && !response.auth.clientToken && route.entry.table === 'auth' && route.entry.type !== 'token') {
      result.auth = await this.deps.tokens.issueFromAuth({
        auth: { ...response.auth, displayName: loginDisplayName(route.entry, response.auth.displayName) },
        path: incoming.path,
        mountAccessor: route.entry.accessor,
        mountType: route.entry.type,
        defaultTtl: ttls.defaultTtl,
        maxTtl: ttls.maxTtl,
        tokenType: route.entry.config.token_type,
      });
    } else if (response?.auth && (response.auth.clientToken || route.entry.type === 'token')) {
      // The token store answers with tokens it created itself (or, for renew-accessor, with no token at all).
      result.auth = authBlockFrom(response);
    }

    // Response wrapping: asked for by the client (header) or by the backend (sys/wrapping/wrap).
    const wrapTtl = response?.wrapInfo?.ttl ?? req.wrapInfo?.ttl;
    if (wrapTtl && response && !isWrappingExempt(incoming.path)) {
      result.wrapInfo = await this.deps.wrapper.wrap({ result, ttl: wrapTtl, creationPath: incoming.path, parent: token });
      response = { ...response };
    }

    await this.deps.audit.logResponse({ token, request: req, response: result.wrapInfo ? { data: { wrap_info: result.wrapInfo } } : response, auth: result.auth });
    return result;
  }

  /** POST/PUT arrive as update; a path with an existence check that says "absent" makes it create. */
  private async resolveCreateOrUpdate(route: Route, req: Request, mountError: string | undefined): Promise<void> {
    if (req.operation !== 'update' || mountError) return;
    const check = await route.backend.handleExistenceCheck(req).catch((err: unknown) => {
      // An unsupported path is reported by the handler itself, after authorization.
      if (isCofferError(err) && (err.code === 'unsupported_path' || err.code === 'unsupported_operation')) return { checkFound: false, exists: false };
      throw err;
    });
    if (check.checkFound && !check.exists) req.operation = 'create';
  }

  private async useDenied(token: TokenInfo): Promise<void> {
    const lastUse = await this.deps.tokens.use(token).catch(() => false);
    if (lastUse) await this.deps.tokens.revoke(token.id).catch((e: unknown) => this.deps.logger.warn({ err: String(e) }, 'revoking a used-up token failed'));
  }

  private async auditDenied(token: TokenInfo, req: Request): Promise<void> {
    await this.deps.audit.logRequest({ token, request: req, error: 'permission denied' }).catch(() => undefined);
  }

  /** A missing or invalid token is recorded too (its HMAC, never the token), as Vault does: guessing at tokens shows in the log. */
  private async auditRefusedToken(route: Route, relative: string, incoming: IncomingRequest, err: unknown): Promise<void> {
    const request = makeRequest({
      ...routedFields(route, relative, incoming),
      clientToken: incoming.token,
      connection: incoming.connection,
    });
    const error = isCofferError(err) ? err.message : 'internal error';
    await this.deps.audit.logRequest({ request, error }).catch(() => undefined);
  }
}

/** The request fields that come from routing alone, before any token is known. */
function routedFields(route: Route, relative: string, incoming: IncomingRequest) {
  return {
    id: incoming.id,
    operation: incoming.operation,
    path: relative,
    data: incoming.data,
    storage: route.storage,
    mountPoint: route.path,
    mountType: route.entry.type,
    mountAccessor: route.entry.accessor,
  };
}

/** Vault prefixes login tokens' display names with the auth mount ("userpass-alice"). */
function loginDisplayName(entry: MountEntry, name: string): string {
  const mount = entry.path.replace(/\/$/, '').replace(/\//g, '-');
  return name ? `${mount}-${name}` : mount;
}

/** A list answer with no keys (and nothing else to say) is a 404, as a read that found nothing (Vault's rule). */
function isEmptyList(response: Response | null): boolean {
  if (!response || response.warnings?.length) return false;
  const data = response.data ?? {};
  if (Object.keys(data).length === 0) return true;
  const keys = data['keys'];
  if (keys === undefined || keys === null) return false;
  return Array.isArray(keys) && keys.length === 0;
}

function isPassthroughKv(entry: MountEntry): boolean {
  return (entry.type === 'kv' || entry.type === 'generic') && entry.options['leased_passthrough'] !== 'true';
}

/** Unwrapping and wrapping-lookups must never wrap their own answer. */
function isWrappingExempt(path: string): boolean {
  return path === 'sys/wrapping/unwrap' || path === 'sys/wrapping/lookup';
}

function authBlockFrom(response: Response): RenderedAuth {
  const auth = response.auth!;
  return {
    client_token: auth.clientToken ?? '',
    accessor: auth.accessor ?? '',
    policies: auth.policies,
    token_policies: auth.tokenPolicies ?? auth.policies,
    ...(auth.identityPolicies ? { identity_policies: auth.identityPolicies } : {}),
    metadata: Object.keys(auth.metadata ?? {}).length ? auth.metadata : null,
    lease_duration: auth.ttl,
    renewable: auth.renewable,
    entity_id: auth.entityId ?? '',
    token_type: auth.tokenType === 'batch' ? 'batch' : 'service',
    orphan: auth.orphan ?? false,
    mfa_requirement: null,
    num_uses: auth.numUses ?? 0,
  };
}
