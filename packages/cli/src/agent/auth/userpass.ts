// auto_auth method "userpass" (also "ldap", "okta", "radius": the same
// username + password login): username, and password or password_file_path.
import { configString, MethodConfigError, type AuthMethod, type LoginRequest, type MethodContext } from './method.js';
import { readCredentialFile } from './credential-file.js';

export function userpassMethod(ctx: MethodContext): AuthMethod {
  const username = configString(ctx, 'username', true)!;
  const password = configString(ctx, 'password', false);
  const passwordFile = configString(ctx, 'password_file_path', false);
  if (password === undefined && passwordFile === undefined) {
    throw new MethodConfigError(ctx.config.type, 'one of "password" or "password_file_path" is required in its config');
  }
  return {
    type: ctx.config.type,
    async authenticate(): Promise<LoginRequest> {
      const secret = password ?? (await readCredentialFile(passwordFile!, 'password'));
      return { kind: 'login', path: `${ctx.config.mountPath}/login/${encodeURIComponent(username)}`, body: { password: secret } };
    },
  };
}
