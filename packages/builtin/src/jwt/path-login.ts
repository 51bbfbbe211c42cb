import { CofferError, type FieldData, type OperationCallback, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { readConfig, signingAlgorithms, type JwtConfig } from './config-entry.js';
import { jwtKeySource, type JwtContext } from './context.js';
import { authForClaims, checkBoundCidrs } from './login-auth.js';
import { ProviderError } from './provider-http.js';
import { canonicalRoleName, readRole, type JwtRole } from './role-entry.js';
import { audienceOf, TokenInvalidError, validateStandardClaims, verifySignature } from './verify-jwt.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

export function pathLogin(ctx: JwtContext): PathDefinition {
  const loginCallback: OperationCallback = (req, d) => login(ctx, req, d);
  return {
    pattern: 'login$',
    fields: {
      role: { type: 'string', description: 'The role to log in with; defaults to the configured default_role.' },
      jwt: { type: 'string', description: 'The signed JWT.', displayAttrs: { sensitive: true } },
    },
    operations: {
      update: { callback: loginCallback, summary: 'Log in with a signed JWT.' },
      'alias-lookahead': { callback: loginCallback, summary: 'Tell the core which alias a login with this JWT would use.' },
      'resolve-role': {
        summary: 'Tell the core which role a login on this path would use.',
        callback: async (req, d) => {
          const config = await requireConfig(req);
          const { name } = await roleForLogin(req, d, config);
          return { data: { role: name } };
        },
      },
    },
    helpSynopsis: 'Log in with a JWT signed by a trusted key.',
    helpDescription:
      'The JWT\'s signature is checked with the configured keys (static PEM keys, a JWKS or the OIDC provider\'s ' +
      'keys), then its exp, nbf and iat (with the role\'s leeways), iss (bound_issuer), aud (bound_audiences), sub ' +
      '(bound_subject) and bound_claims. The user_claim names the user; claim_mappings become metadata and ' +
      'groups_claim becomes group aliases. Only "jwt" roles can be used here.',
  };
}

async function login(ctx: JwtContext, req: Request, d: FieldData): Promise<Response> {
  const config = await requireConfig(req);
  const { name, role } = await roleForLogin(req, d, config);
  if (role.role_type === 'oidc') throw invalid('role with oidc role_type is not allowed');
  const token = d.get<string>('jwt');
  if (token === '') throw invalid('missing token');
  checkBoundCidrs(req, role);

  let claims: Record<string, unknown>;
  try {
    const keys = await jwtKeySource(ctx, config);
    claims = await verifySignature(token, keys, signingAlgorithms(config));
    validateStandardClaims(
      claims,
      {
        issuer: config.bound_issuer,
        subject: role.bound_subject,
        audiences: role.bound_audiences,
        clockSkewLeeway: role.clock_skew_leeway,
        expirationLeeway: role.expiration_leeway,
        notBeforeLeeway: role.not_before_leeway,
      },
      Math.floor(ctx.now() / 1000),
    );
  } catch (err) {
    if (err instanceof TokenInvalidError || err instanceof ProviderError) throw invalid(`error validating token: ${err.message}`);
    throw err;
  }
  // A token meant for some audience must not be accepted by a role that names none.
  if (role.bound_audiences.length === 0 && audienceOf(claims).length > 0) {
    throw invalid('audience claim found in JWT but no audiences bound to the role');
  }
  return { auth: authForClaims(name, role, claims) };
}

export async function requireConfig(req: Request): Promise<JwtConfig> {
  const config = await readConfig(req.storage);
  if (!config) throw invalid('could not load configuration');
  return config;
}

async function roleForLogin(req: Request, d: FieldData, config: JwtConfig): Promise<{ name: string; role: JwtRole }> {
  const name = canonicalRoleName(d.get<string>('role') || config.default_role);
  if (name === '') throw invalid('missing role');
  const role = await readRole(req.storage, name);
  if (!role) throw invalid(`role ${JSON.stringify(name)} could not be found`);
  return { name, role };
}

/** Renewal: refused once the role is gone; otherwise the role's current TTLs apply. */
export const renewLogin: OperationCallback = async (req) => {
  const auth = req.auth;
  if (!auth) throw invalid('request has no auth to renew');
  const roleName = auth.internalData?.['role'];
  if (typeof roleName !== 'string' || roleName === '') throw invalid('failed to fetch role_name during renewal');
  const role = await readRole(req.storage, roleName);
  if (!role) throw invalid(`role ${roleName} does not exist during renewal`);
  return { auth: { ...auth, ttl: role.token_ttl, maxTtl: role.token_max_ttl, period: role.token_period } };
};
