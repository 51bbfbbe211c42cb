// auto_auth method "jwt": a JWT read from `path` is exchanged at
// <mount>/login for role `role`; remove_jwt_after_reading defaults to true.
import { configBool, configString, type AuthMethod, type LoginRequest, type MethodContext } from './method.js';
import { readCredentialFile, removeCredentialFile } from './credential-file.js';

export function jwtMethod(ctx: MethodContext): AuthMethod {
  const path = configString(ctx, 'path', true)!;
  const role = configString(ctx, 'role', true)!;
  const remove = configBool(ctx, 'remove_jwt_after_reading', true);
  let cached: string | undefined;
  return {
    type: 'jwt',
    async authenticate(): Promise<LoginRequest> {
      try {
        cached = await readCredentialFile(path, 'JWT');
        if (remove) await removeCredentialFile(path);
      } catch (err) {
        if (cached === undefined) throw err;
      }
      return { kind: 'login', path: `${ctx.config.mountPath}/login`, body: { role, jwt: cached } };
    },
  };
}
