// How "login -method=X" turns K=V arguments into a login request. Each
// method returns the server's response (with "auth") or a token lookup shaped
// like one.
import type { ApiClient } from '../api/client.js';
import type { Secret } from '../api/secret.js';
import type { Context } from '../cli/context.js';
import { promptHidden } from '../cli/prompt.js';
import { parseGoBool } from '../api/config.js';
import { oidcLoginMethod } from './oidc-login.js';

export type LoginConfig = Record<string, string>;

export interface LoginMethod {
  /** Extra help shown by "login -method=X -h". */
  help: string;
  login(ctx: Context, client: ApiClient, config: LoginConfig): Promise<Secret | null>;
}

export class LoginError extends Error {}

function mountOf(config: LoginConfig, fallback: string): string {
  return (config.mount || fallback).replace(/^\/+|\/+$/g, '');
}

async function secretFromPrompt(ctx: Context, what: string): Promise<string> {
  if (ctx.flags.bool('non-interactive')) {
    throw new LoginError(`'${what}' not supplied and -non-interactive is set`);
  }
  return promptHidden(ctx, `${what.charAt(0).toUpperCase()}${what.slice(1)} (will be hidden): `);
}

/** The token method: checks the token with lookup-self and reports it as a login. */
const tokenMethod: LoginMethod = {
  help: 'Usage: login [TOKEN] or login token=TOKEN [lookup=false]. With no token, prompts for one; "-" reads it from stdin.',
  async login(ctx, client, config) {
    let lookup = true;
    if (config.lookup !== undefined) {
      const parsed = parseGoBool(config.lookup);
      if (parsed === undefined) throw new LoginError(`Failed to parse "lookup" as boolean: ${config.lookup}`);
      lookup = parsed;
    }
    let token = config.token;
    if (token === undefined) token = await secretFromPrompt(ctx, 'token');
    token = token.trim();
    if (token === '') throw new LoginError('A token must be passed to auth. Please view the help for more information.');
    if (!lookup) return { auth: { client_token: token } };

    let secret: Secret | null;
    try {
      secret = await client.secret('GET', 'auth/token/lookup-self', { token, noWrap: true });
    } catch (err) {
      throw new LoginError(`error looking up token: ${(err as Error).message}`);
    }
    if (!secret) throw new LoginError('empty response from lookup-self');
    const data = secret.data ?? {};
    const tokenPolicies = Array.isArray(data.policies) ? data.policies.map(String) : [];
    const identityPolicies = Array.isArray(data.identity_policies) ? data.identity_policies.map(String) : [];
    const policies = [...new Set([...tokenPolicies, ...identityPolicies])].sort();
    return {
      auth: {
        client_token: typeof data.id === 'string' ? data.id : token,
        accessor: typeof data.accessor === 'string' ? data.accessor : '',
        policies,
        token_policies: tokenPolicies,
        identity_policies: identityPolicies,
        metadata: (data.meta as Record<string, string> | null) ?? null,
        lease_duration: typeof data.ttl === 'number' ? data.ttl : 0,
        renewable: data.renewable === true,
      },
    };
  },
};

/** userpass-style methods: POST auth/<mount>/login/<username> {password}. */
function usernamePasswordMethod(defaultMount: string): LoginMethod {
  return {
    help: `Usage: login -method=${defaultMount} username=NAME [password=PASSWORD] [-path=MOUNT]. Without password=, prompts for it.`,
    async login(ctx, client, config) {
      const username = config.username ?? ctx.io.env.LOGNAME ?? ctx.io.env.USER ?? '';
      if (username === '') {
        throw new LoginError("'username' not supplied and neither 'LOGNAME' nor 'USER' env vars set");
      }
      const password = config.password ?? (await secretFromPrompt(ctx, 'password'));
      const body: Record<string, unknown> = { ...config, password };
      delete body.mount;
      delete body.username;
      const secret = await client.write(`auth/${mountOf(config, defaultMount)}/login/${username}`, body);
      if (!secret) throw new LoginError('empty response from credential provider');
      return secret;
    },
  };
}

/** Methods whose login takes the K=V pairs as the request body. */
function bodyMethod(defaultMount: string, required: string[], usage: string): LoginMethod {
  return {
    help: usage,
    async login(_ctx, client, config) {
      for (const field of required) {
        if (!config[field]) throw new LoginError(`'${field}' must be supplied`);
      }
      const body: Record<string, unknown> = { ...config };
      delete body.mount;
      const secret = await client.write(`auth/${mountOf(config, defaultMount)}/login`, body);
      if (!secret) throw new LoginError('empty response from credential provider');
      return secret;
    },
  };
}

export const LOGIN_METHODS: Record<string, LoginMethod> = {
  token: tokenMethod,
  userpass: usernamePasswordMethod('userpass'),
  ldap: usernamePasswordMethod('ldap'),
  okta: usernamePasswordMethod('okta'),
  radius: usernamePasswordMethod('radius'),
  approle: bodyMethod('approle', ['role_id'], 'Usage: login -method=approle role_id=ID [secret_id=SECRET] [-path=MOUNT]'),
  cert: bodyMethod('cert', [], 'Usage: login -method=cert [name=ROLE] -client-cert=CERT -client-key=KEY [-path=MOUNT]'),
  jwt: bodyMethod('jwt', ['jwt'], 'Usage: login -method=jwt jwt=TOKEN [role=NAME] [-path=MOUNT]'),
  oidc: oidcLoginMethod,
};
