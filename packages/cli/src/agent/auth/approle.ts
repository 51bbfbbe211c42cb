// auto_auth method "approle": role_id_file_path, secret_id_file_path and
// remove_secret_id_file_after_reading (default true, as in Vault). A secret ID
// read from a file that is then removed is kept in memory for re-logins,
// until a new file appears.
import { configBool, configString, type AuthMethod, type LoginRequest, type MethodContext } from './method.js';
import { readCredentialFile, removeCredentialFile } from './credential-file.js';

export function approleMethod(ctx: MethodContext): AuthMethod {
  const roleIdPath = configString(ctx, 'role_id_file_path', true)!;
  const secretIdPath = configString(ctx, 'secret_id_file_path', false);
  const removeSecretId = configBool(ctx, 'remove_secret_id_file_after_reading', true);
  let cachedSecretId: string | undefined;

  return {
    type: 'approle',
    async authenticate(): Promise<LoginRequest> {
      const roleId = await readCredentialFile(roleIdPath, 'role ID');
      const body: Record<string, unknown> = { role_id: roleId };
      if (secretIdPath !== undefined) {
        let secretId: string | undefined;
        try {
          secretId = await readCredentialFile(secretIdPath, 'secret ID');
        } catch (err) {
          if (cachedSecretId === undefined) throw err;
        }
        if (secretId !== undefined) {
          cachedSecretId = secretId;
          if (removeSecretId) await removeCredentialFile(secretIdPath);
        }
        body.secret_id = cachedSecretId;
      }
      return { kind: 'login', path: `${ctx.config.mountPath}/login`, body };
    },
  };
}
