import { CofferError, isCofferError } from '@coffer/sdk';
import { disabledHa, leaderBody, type HaStatus } from './ha-status.js';
import { health } from './health.js';
import { asBody, boolField, intField, stringField, stringListField, type Body } from './request-body.js';
import type { RekeyTarget, SealManager } from './seal-manager.js';

/**
 * The endpoints that work while sealed (and the unauthenticated rekey and
 * generate-root ones), as pure functions: Vault's JSON bodies in, `{ status,
 * body }` out. The HTTP layer parses the request, calls `handleLifecycle`,
 * and writes the answer as is (no body for HEAD or a null body).
 * Coded errors become Vault's `{"errors": [...]}` with their status; any
 * other error is rethrown for the HTTP layer's single error path.
 */
export interface LifecycleCall {
  method: string;
  /** Path after /v1/, e.g. "sys/unseal". */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body ({} or undefined when empty). */
  body: unknown;
}

export interface LifecycleResult {
  status: number;
  /** null: no body (204, HEAD). */
  body: Record<string, unknown> | null;
}

export interface LifecycleContext {
  manager: SealManager;
  /** HA state for sys/health and sys/leader; HA disabled when absent. */
  ha?: () => HaStatus | Promise<HaStatus>;
  now?: () => Date;
}

type Handler = (ctx: LifecycleContext, body: Body, call: LifecycleCall) => Promise<LifecycleResult>;

const ok = (body: object): LifecycleResult => ({ status: 200, body: body as Record<string, unknown> });
const noContent: LifecycleResult = { status: 204, body: null };

const routes: Record<string, Record<string, Handler>> = {
  'sys/init': {
    GET: async (ctx) => ok({ initialized: await ctx.manager.initialized() }),
    PUT: sysInitPut,
    POST: sysInitPut,
  },
  'sys/seal-status': {
    GET: async (ctx) => ok(await ctx.manager.status()),
  },
  'sys/unseal': {
    PUT: sysUnseal,
    POST: sysUnseal,
  },
  ...rekeyRoutes('sys/rekey', 'barrier'),
  // An auto seal's recovery shares are rekeyed the same way, under their own paths (as Vault).
  ...rekeyRoutes('sys/rekey-recovery-key', 'recovery'),
  'sys/generate-root/attempt': {
    GET: async (ctx) => ok(await ctx.manager.generateRootStatus()),
    PUT: sysGenerateRootAttemptPut,
    POST: sysGenerateRootAttemptPut,
    DELETE: async (ctx) => {
      await ctx.manager.generateRootCancel();
      return noContent;
    },
  },
  'sys/generate-root/update': {
    PUT: sysGenerateRootUpdate,
    POST: sysGenerateRootUpdate,
  },
  'sys/health': {
    GET: sysHealth,
    HEAD: async (ctx, body, call) => ({ ...(await sysHealth(ctx, body, call)), body: null }),
  },
  'sys/leader': {
    GET: async (ctx) => ok(leaderBody(await haOf(ctx))),
  },
};

function rekeyRoutes(base: string, target: RekeyTarget): Record<string, Record<string, Handler>> {
  const initPut: Handler = async (ctx, body) =>
    ok(
      await ctx.manager.rekeyInit(
        {
          secret_shares: intField(body, 'secret_shares') ?? 0,
          secret_threshold: intField(body, 'secret_threshold') ?? 0,
          stored_shares: intField(body, 'stored_shares'),
          pgp_keys: stringListField(body, 'pgp_keys'),
          backup: boolField(body, 'backup'),
          require_verification: boolField(body, 'require_verification'),
        },
        target,
      ),
    );
  const update: Handler = async (ctx, body) => ok(await ctx.manager.rekeyUpdate(keyUpdate(body), target));
  const verify: Handler = async (ctx, body) => ok(await ctx.manager.rekeyVerify(keyUpdate(body), target));
  return {
    [`${base}/init`]: {
      GET: async (ctx) => ok(await ctx.manager.rekeyStatus(target)),
      PUT: initPut,
      POST: initPut,
      DELETE: async (ctx) => {
        await ctx.manager.rekeyCancel(target);
        return noContent;
      },
    },
    [`${base}/update`]: { PUT: update, POST: update },
    [`${base}/verify`]: {
      GET: async (ctx) => ok(await ctx.manager.rekeyVerificationStatus(target)),
      PUT: verify,
      POST: verify,
      // Vault restarts the verification (new nonce, progress cleared) and answers with its status.
      DELETE: async (ctx) => ok(await ctx.manager.rekeyVerificationRestart(target)),
    },
  };
}

export const LIFECYCLE_PATHS: readonly string[] = Object.keys(routes);

function normalize(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export function isLifecyclePath(path: string): boolean {
  return Object.hasOwn(routes, normalize(path));
}

/** The answer for a lifecycle path, or undefined when `call.path` is not one. */
export async function handleLifecycle(ctx: LifecycleContext, call: LifecycleCall): Promise<LifecycleResult | undefined> {
  const path = normalize(call.path);
  if (!Object.hasOwn(routes, path)) return undefined;
  const method = call.method.toUpperCase();
  const handler = routes[path]![method];
  if (!handler) {
    const allowed = Object.keys(routes[path]!).join(', ');
    return { status: 405, body: { errors: [`unsupported operation: ${method} /v1/${path} (allowed: ${allowed})`] } };
  }
  try {
    return await handler(ctx, method === 'GET' || method === 'HEAD' ? {} : asBody(call.body), call);
  } catch (err) {
    if (!isCofferError(err)) throw err;
    if (method === 'HEAD') return { status: err.status, body: null };
    return { status: err.status, body: { errors: err.errors } };
  }
}

async function sysInitPut(ctx: LifecycleContext, body: Body): Promise<LifecycleResult> {
  const response = await ctx.manager.init({
    secret_shares: intField(body, 'secret_shares') ?? 0,
    secret_threshold: intField(body, 'secret_threshold') ?? 0,
    stored_shares: intField(body, 'stored_shares'),
    pgp_keys: stringListField(body, 'pgp_keys'),
    root_token_pgp_key: stringField(body, 'root_token_pgp_key'),
    recovery_shares: intField(body, 'recovery_shares'),
    recovery_threshold: intField(body, 'recovery_threshold'),
    recovery_pgp_keys: stringListField(body, 'recovery_pgp_keys'),
  });
  return ok(response);
}

async function sysUnseal(ctx: LifecycleContext, body: Body): Promise<LifecycleResult> {
  return ok(
    await ctx.manager.submitUnsealKey({
      key: stringField(body, 'key'),
      reset: boolField(body, 'reset'),
      migrate: boolField(body, 'migrate'),
    }),
  );
}

async function sysGenerateRootAttemptPut(ctx: LifecycleContext, body: Body): Promise<LifecycleResult> {
  return ok(await ctx.manager.generateRootInit({ otp: stringField(body, 'otp'), pgp_key: stringField(body, 'pgp_key') }));
}

async function sysGenerateRootUpdate(ctx: LifecycleContext, body: Body): Promise<LifecycleResult> {
  return ok(await ctx.manager.generateRootUpdate(keyUpdate(body)));
}

async function sysHealth(ctx: LifecycleContext, _body: Body, call: LifecycleCall): Promise<LifecycleResult> {
  return health(ctx.manager, await haOf(ctx), call.query, (ctx.now ?? (() => new Date()))());
}

function keyUpdate(body: Body): { key: string; nonce: string } {
  const key = stringField(body, 'key') ?? '';
  if (key === '') throw new CofferError('invalid_request', "'key' must be specified in request body as JSON");
  return { key, nonce: stringField(body, 'nonce') ?? '' };
}

async function haOf(ctx: LifecycleContext): Promise<HaStatus> {
  return ctx.ha ? await ctx.ha() : disabledHa;
}
