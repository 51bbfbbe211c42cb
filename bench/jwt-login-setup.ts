import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * Enable the JWT auth method with a static ES256 key and a role, and return
 * the body of a login with a JWT signed by that key: the JWT login row then
 * measures signature and claim checks plus the token issue, no network.
 */
export async function prepareJwtLogin(call: Call): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  await call('POST', 'sys/auth/jwt', { type: 'jwt' });
  await call('POST', 'auth/jwt/config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)] });
  await call('POST', 'auth/jwt/role/bench', { role_type: 'jwt', bound_audiences: 'bench', token_policies: 'default', token_ttl: '10m' });
  const jwt = await new SignJWT({ sub: 'bench-workload', aud: 'bench' }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('2h').sign(privateKey);
  return JSON.stringify({ role: 'bench', jwt });
}
