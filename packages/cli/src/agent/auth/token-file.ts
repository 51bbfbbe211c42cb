// auto_auth method "token_file": the token in token_file_path is used as the
// agent's token (read once, then kept in memory, as Vault does).
import { configString, type AuthMethod, type MethodContext, type ReadyToken } from './method.js';
import { readCredentialFile } from './credential-file.js';

export function tokenFileMethod(ctx: MethodContext): AuthMethod {
  const path = configString(ctx, 'token_file_path', true)!;
  let cached: string | undefined;
  return {
    type: 'token_file',
    async authenticate(): Promise<ReadyToken> {
      cached ??= await readCredentialFile(path, 'token');
      return { kind: 'token', token: cached };
    },
  };
}
