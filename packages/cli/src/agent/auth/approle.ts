// auto_auth method "approle": role_id_file_path, secret_id_file_path and
// remove_secret_id_file_after_reading (default true, as in Vault). A secret ID
// read from a file that is then removed is kept in memory for re-logins,
// until a new file appears. With secret_id_response_wrapping_path the file
// holds a wrapping token instead, created at that path (checked before it is
// unwrapped, so a token wrapped elsewhere is refused).
import { configBool, configString, type AuthMethod, type LoginRequest, type MethodContext } from './method.js';
import { readCredentialFile, removeCredentialFile } from './credential-file.js';

export function approleMethod(ctx: MethodContext): AuthMethod {
  const roleIdPath = configString(ctx, 'role_id_file_path', true)!;
  const secretIdPath = configString(ctx, 'secret_id_file_path', false);
  const removeSecretId = configBool(ctx, 'remove_secret_id_file_after_reading', true);
  const wrappingPath = configString(ctx, 'secret_id_response_wrapping_path', false)?.replace(/^\/+|\/+$/g, '');
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
          cachedSecretId = wrappingPath === undefined ? secretId : await unwrapSecretId(ctx, secretId, wrappingPath);
          if (removeSecretId) await removeCredentialFile(secretIdPath);
        }
        body.secret_id = cachedSecretId;
      }
      return { kind: 'login', path: `${ctx.config.mountPath}/login`, body };
    },
  };
}

async function unwrapSecretId(ctx: MethodContext, wrappingToken: string, expectedPath: string): Promise<string> {
  const lookup = await ctx.client.secret('PUT', 'sys/wrapping/lookup', { body: { token: wrappingToken }, token: null, noWrap: true });
  const creationPath = String(lookup?.data?.creation_path ?? '').replace(/^\/+|\/+$/g, '');
  if (creationPath !== expectedPath) {
    throw new Error(`the wrapped secret ID was created at "${creationPath}", not at secret_id_response_wrapping_path "${expectedPath}"`);
  }
  const unwrapped = await ctx.client.secret('PUT', 'sys/wrapping/unwrap', { token: wrappingToken, noWrap: true });
  const secretId = unwrapped?.data?.secret_id;
  if (typeof secretId !== 'string' || secretId === '') throw new Error('the unwrapped response holds no secret_id');
  return secretId;
}
