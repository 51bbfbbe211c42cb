// Every auto-auth method by its Vault type name.
import { approleMethod } from './approle.js';
import { certMethod } from './cert.js';
import { jwtMethod } from './jwt.js';
import { MethodConfigError, type AuthMethod, type MethodContext } from './method.js';
import { tokenFileMethod } from './token-file.js';
import { userpassMethod } from './userpass.js';

const METHODS: Record<string, (ctx: MethodContext) => AuthMethod> = {
  approle: approleMethod,
  token_file: tokenFileMethod,
  userpass: userpassMethod,
  ldap: userpassMethod,
  okta: userpassMethod,
  radius: userpassMethod,
  jwt: jwtMethod,
  cert: certMethod,
};

export function createAuthMethod(ctx: MethodContext): AuthMethod {
  const factory = METHODS[ctx.config.type];
  if (!factory) {
    throw new MethodConfigError(ctx.config.type, `unknown method type; supported: ${Object.keys(METHODS).sort().join(', ')}`);
  }
  return factory(ctx);
}
