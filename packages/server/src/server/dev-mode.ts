import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../core/core.js';

/**
 * Dev mode, as Vault's: initialise with one key share, unseal, optionally
 * swap the root token for a chosen id, mount kv v2 at secret/.
 */
export async function bootstrapDev(core: Core, opts: { rootTokenId?: string; writeTokenHelper: boolean }): Promise<{ rootToken: string; unsealKey: string }> {
  const init = await core.seal.init({ secret_shares: 1, secret_threshold: 1 });
  const unsealKey = init.keys_base64[0]!;
  await core.seal.submitUnsealKey({ key: unsealKey });
  let rootToken = init.root_token;
  if (opts.rootTokenId) {
    const chosen = await core.tokens.createRootToken(opts.rootTokenId);
    await core.tokens.port.revoke(rootToken);
    rootToken = chosen;
  }
  await core.mounts.enable('mounts', 'secret/', 'kv', { description: 'key/value secret storage', options: { version: '2' } });
  if (opts.writeTokenHelper) await writeFile(join(homedir(), '.vault-token'), rootToken, { mode: 0o600 });
  return { rootToken, unsealKey };
}

export function devBanner(address: string, rootToken: string, unsealKey: string, pluginDir?: string): string {
  return [
    'WARNING! dev mode is enabled! Coffer runs entirely in memory and starts',
    'unsealed with a single unseal key. The root token is already saved for the',
    'CLI (~/.vault-token), so you can start using Coffer right away.',
    '',
    'You may need to set the following environment variables:',
    '',
    `    $ export VAULT_ADDR='${address}'`,
    '',
    'The unseal key and root token are shown below in case you want to seal and',
    'unseal the server or log in again.',
    '',
    `Unseal Key: ${unsealKey}`,
    `Root Token: ${rootToken}`,
    ...(pluginDir ? ['', `The following dev plugins are registered in the catalog from ${pluginDir}.`] : []),
    '',
    'Development mode should NOT be used in production installations!',
    '',
  ].join('\n');
}
