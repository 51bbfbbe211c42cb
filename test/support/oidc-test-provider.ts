// A small but real OpenID provider on loopback, built from jose and
// node:http: discovery document, JWKS, authorization endpoint, token
// endpoint (client authentication, single-use codes, PKCE S256) and
// userinfo. Tests of the JWT/OIDC auth method use it as the identity
// provider; the user who "logs in" at the authorization endpoint is the one
// the test sets in `user`, as if they had typed their password.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestUser {
  sub: string;
  /** Claims put in the ID token besides the standard ones. */
  idTokenClaims?: Record<string, unknown>;
  /** Claims only the userinfo endpoint returns. */
  userinfoClaims?: Record<string, unknown>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce: string;
  codeChallenge: string;
  user: TestUser;
  expiresAt: number;
}

export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  /** PEM (SPKI) of the current signing key. */
  publicKeyPem: string;
  client: TestClient;
  /** Who the next authorization request logs in as. */
  user: TestUser;
  /** What the token endpoint received, for assertions on the client's behaviour. */
  tokenRequests: URLSearchParams[];
  /** How many times the JWKS was fetched (to see caching). */
  jwksFetches: number;
  /** Lets a test make the provider misbehave: change the claims of the next ID tokens it issues. */
  tamperIdToken?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Sign a JWT with the provider's key (kid in the header, as issued tokens have). */
  sign(claims: JWTPayload, options?: { expiresIn?: string | number; kid?: string; key?: CryptoKey }): Promise<string>;
  /** Replace the signing key (old tokens stop verifying once the JWKS is refetched). */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

const ALG = 'RS256';

/** With `tls`, the provider serves HTTPS with that certificate (tests of the *_ca_pem settings). */
export async function startTestProvider(client: Partial<TestClient> = {}, options: { tls?: { cert: string; key: string } } = {}): Promise<TestProvider> {
  let keys = await generateKeyPair(ALG, { extractable: true });
  let kid = randomBytes(8).toString('hex');
  let publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid, alg: ALG, use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, TestUser>();

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: 'server_error', error_description: String(err) }));
  };
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: TestProvider = {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    publicKeyPem: await exportSPKI(keys.publicKey),
    client: {
      clientId: client.clientId ?? 'coffer-client',
      clientSecret: client.clientSecret ?? randomBytes(16).toString('hex'),
      redirectUris: client.redirectUris ?? [],
    },
    user: { sub: 'user-1' },
    tokenRequests: [],
    jwksFetches: 0,
    async sign(claims, options = {}) {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: options.kid ?? kid }).setIssuedAt();
      if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
      return jwt.sign(options.key ?? keys.privateKey);
    },
    async rotateKey() {
      keys = await generateKeyPair(ALG, { extractable: true });
      kid = randomBytes(8).toString('hex');
      publicJwk = { ...(await exportJWK(keys.publicKey)), kid, alg: ALG, use: 'sig' };
      provider.publicKeyPem = await exportSPKI(keys.publicKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [ALG],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      provider.jwksFetches += 1;
      return send(res, 200, { keys: [publicJwk] });
    }
    // A key set that moved: clients are expected to follow the redirect.
    if (req.method === 'GET' && url.pathname === '/moved/jwks') return redirect(res, `${issuer}/jwks`);
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return token(req, res);
    if (req.method === 'GET' && url.pathname === '/userinfo') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const user = bearer ? accessTokens.get(bearer) : undefined;
      if (!user) return send(res, 401, { error: 'invalid_token' });
      return send(res, 200, { sub: user.sub, ...(user.userinfoClaims ?? {}) });
    }
    return send(res, 404, { error: 'not_found' });
  }

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('client_id') !== provider.client.clientId) return send(res, 400, { error: 'invalid_client' });
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!provider.client.redirectUris.includes(redirectUri)) return send(res, 400, { error: 'invalid_request', error_description: 'redirect_uri not registered' });
    const back = new URL(redirectUri);
    const state = q.get('state') ?? '';
    if (state !== '') back.searchParams.set('state', state);
    const fail = (error: string): void => {
      back.searchParams.set('error', error);
      redirect(res, back.href);
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return fail('invalid_request');
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: provider.client.clientId,
      redirectUri,
      nonce: q.get('nonce') ?? '',
      codeChallenge: q.get('code_challenge') ?? '',
      user: provider.user,
      expiresAt: Date.now() + 60_000,
    });
    back.searchParams.set('code', code);
    redirect(res, back.href);
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    provider.tokenRequests.push(form);
    let clientId = form.get('client_id') ?? '';
    let clientSecret = form.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map((s) => decodeURIComponent(s ?? ''));
      clientId = id ?? '';
      clientSecret = secret ?? '';
    }
    if (clientId !== provider.client.clientId || !same(clientSecret, provider.client.clientSecret)) return send(res, 401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code') return send(res, 400, { error: 'unsupported_grant_type' });
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== clientId) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'authorization code is invalid or was already used' });
    }
    if (form.get('redirect_uri') !== pending.redirectUri) return send(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      ...(pending.user.idTokenClaims ?? {}),
      iss: issuer,
      sub: pending.user.sub,
      aud: clientId,
      iat: now,
      exp: now + 300,
      auth_time: now,
      nonce: pending.nonce,
    };
    const idToken = await new SignJWT(provider.tamperIdToken ? provider.tamperIdToken(claims) : claims)
      .setProtectedHeader({ alg: ALG, kid })
      .sign(keys.privateKey);
    const accessToken = randomBytes(24).toString('base64url');
    accessTokens.set(accessToken, pending.user);
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
  }

  return provider;
}

function same(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
