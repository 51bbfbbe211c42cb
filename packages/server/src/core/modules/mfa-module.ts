import { CofferError, definePath, type Response, type Storage } from '@coffer/sdk';
import { LoginMfa, mfaRequirement, payloadFromHeader, type MfaPayload } from '../../identity/mfa/login-mfa.js';
import type { Route } from '../router.js';
import { resultOf, type Stage } from '../pipeline/stage.js';
import type { CoreModule } from './module.js';

/** What a held login needs to be completed later: its auth mount's route and the login path (the token's path). */
interface HeldRoute {
  route: Route;
  path: string;
}

const PENDING_WARNING =
  'A login request was issued that is subject to MFA validation. Please make sure to validate the login by sending another request to mfa/validate endpoint.';

/**
 * Login MFA: a login matching a login enforcement (identity/mfa/) gets no
 * token but an mfa_requirement; sys/mfa/validate (or the X-Vault-MFA header
 * on the login itself) checks the passcodes and lets the login's token be
 * issued by the token-issue stage, as the login would have.
 */
export const mfaModule: CoreModule = {
  name: 'mfa',
  needs: ['mounts', 'identity'],
  build(ctx) {
    const mounts = ctx.get('mounts');
    const identity = ctx.get('identity');
    const storage = (): Storage => {
      const entry = mounts.find('mounts', 'identity/');
      if (!entry) throw new CofferError('internal', 'the identity mount is missing');
      return mounts.storageOf(entry);
    };
    // Without an identity mount (never on a running server) there are no enforcements to apply.
    const hasIdentityMount = (): boolean => mounts.find('mounts', 'identity/') !== undefined;
    const mfa = new LoginMfa<HeldRoute>(identity.store);
    // A sys/mfa/validate answer → the login it completes (read by the stage right after dispatch).
    const released = new WeakMap<Response, HeldRoute>();

    const validatePath = definePath({
      pattern: 'mfa/validate',
      fields: {
        mfa_request_id: { type: 'string', description: 'The mfa_request_id of the login answer.' },
        mfa_payload: { type: 'map', description: 'MFA method ids (or names) to lists of passcodes.' },
      },
      operations: {
        update: {
          summary: 'Validate a login that is subject to MFA and issue its token.',
          callback: async (_req, d) => {
            if (!d.values.mfa_request_id) throw new CofferError('invalid_request', 'missing request ID');
            const payload = d.values.mfa_payload as Record<string, unknown>;
            if (!payload || Object.keys(payload).length === 0) throw new CofferError('invalid_request', 'missing mfa payload');
            const login = await mfa.release(storage(), d.values.mfa_request_id, normalizePayload(payload));
            const response: Response = { auth: login.auth };
            released.set(response, login.extra);
            return response;
          },
        },
      },
      helpSynopsis: 'Validate a login subject to MFA.',
      helpDescription: 'On success the answer is the login\'s, with its token.',
    });

    const stage: Stage = async (ctx, next) => {
      const heldRoute = ctx.response ? released.get(ctx.response) : undefined;
      if (heldRoute) {
        // sys/mfa/validate succeeded: the token is issued for the original login's mount and path.
        ctx.route = heldRoute.route;
        ctx.loginPath = heldRoute.path;
        return next();
      }
      const auth = ctx.response?.auth;
      const route = ctx.route;
      if (!auth || auth.clientToken || !route || route.entry.table !== 'auth' || route.entry.type === 'token' || !hasIdentityMount()) return next();
      const constraints = await mfa.constraintsFor(storage(), { mountAccessor: route.entry.accessor, mountType: route.entry.type, entityId: auth.entityId });
      if (constraints.length === 0) return next();
      if (!auth.entityId) throw new CofferError('permission_denied', 'login MFA is enforced but the login has no entity');
      const header = ctx.incoming.headers['x-vault-mfa'];
      if (header && header.length > 0) {
        await mfa.satisfy(storage(), auth.entityId, constraints, payloadFromHeader(header));
        return next();
      }
      const requestId = mfa.hold(auth.entityId, constraints, auth, { route, path: ctx.incoming.path });
      const result = resultOf(ctx);
      // No token yet: token-issue finds no auth; the answer carries the requirement instead.
      ctx.response = { ...ctx.response!, auth: undefined, warnings: [...(ctx.response!.warnings ?? []), PENDING_WARNING] };
      result.response = ctx.response;
      result.auth = {
        client_token: '',
        accessor: '',
        policies: [],
        token_policies: [],
        metadata: null,
        lease_duration: 0,
        renewable: false,
        entity_id: '',
        token_type: '',
        orphan: false,
        mfa_requirement: mfaRequirement(requestId, constraints),
        num_uses: 0,
      };
      return next();
    };

    return {
      sysPaths: [validatePath],
      sysUnauthenticatedPaths: ['mfa/validate'],
      stages: [{ name: 'mfa-login', after: 'identity-login', stage }],
      stop: async () => mfa.clear(),
    };
  },
};

/** mfa_payload values may be a list of passcodes or a single one. */
function normalizePayload(raw: Record<string, unknown>): MfaPayload {
  const out: MfaPayload = {};
  for (const [key, value] of Object.entries(raw)) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string')) throw new CofferError('invalid_request', `invalid passcodes for MFA method "${key}"`);
    out[key] = list as string[];
  }
  return out;
}
