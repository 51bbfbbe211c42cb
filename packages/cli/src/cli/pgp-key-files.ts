import { readFile } from 'node:fs/promises';
import { readKeys } from 'openpgp';

/**
 * The -pgp-keys / -root-token-pgp-key / -pgp-key flags name files holding
 * public keys; the API takes each key as the base64 of its binary form. As
 * Vault's CLI: an ASCII-armored file must hold exactly one key (sent as the
 * base64 of its binary form), a file that already is base64 is sent as is,
 * and anything else is taken as a binary key and base64-encoded. A leading
 * "@" on a path is ignored.
 */
export async function readPgpKeyFile(path: string): Promise<string> {
  if (path.startsWith('keybase:')) {
    throw new Error(`"${path}": keybase: usernames are not supported; export the public key to a file (gpg --export NAME > key.gpg) and give its path`);
  }
  const file = path.startsWith('@') ? path.slice(1) : path;
  const bytes = await readFile(file);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    const keys = await readKeys({ armoredKeys: text });
    if (keys.length !== 1) throw new Error(`more than one key found in file "${file}"`);
    return Buffer.from(keys[0]!.write()).toString('base64');
  }
  const compact = text.trim();
  if (compact !== '' && /^[A-Za-z0-9+/\r\n]+={0,2}$/.test(compact) && compact.replace(/\s+/g, '').length % 4 === 0) return compact.replace(/\s+/g, '');
  return bytes.toString('base64');
}

export async function readPgpKeyFiles(paths: readonly string[]): Promise<string[]> {
  return Promise.all(paths.filter((p) => p.trim() !== '').map((p) => readPgpKeyFile(p.trim())));
}
