import type { PathDefinition, Request, Response } from '@coffer/sdk';
import { readCaPublicKey } from './ca-store.js';

/** GET public_key: the CA public key as plain text, without a token, for sshd's TrustedUserCAKeys. */
export function pathPublicKey(): PathDefinition {
  return {
    pattern: 'public_key',
    operations: { read: { callback: readPublicKey, summary: 'Read the CA public key as plain text (no token needed).' } },
    helpSynopsis: 'Fetch the CA public key, unauthenticated, in authorized_keys form.',
    helpDescription: `
Returns the public key of the CA as text/plain, ready to be saved as sshd's
TrustedUserCAKeys file (or prefixed with "@cert-authority" in known_hosts to
trust host certificates). Answers 404 until config/ca is set.
`,
  };
}

async function readPublicKey(req: Request): Promise<Response | null> {
  const key = await readCaPublicKey(req.storage);
  if (!key) return null;
  return { data: { http_content_type: 'text/plain', http_raw_body: key, http_status_code: 200 } };
}
