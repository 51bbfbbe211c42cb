import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';

// Vault's storage paths, so the layout reads the same to anyone who knows Vault's.
const PUBLIC_KEY_PATH = 'config/ca_public_key';
const PRIVATE_KEY_PATH = 'config/ca_private_key';

interface KeyStorageEntry {
  key: string;
}

/** The CA's public key in authorized_keys form, or null before config/ca. */
export async function readCaPublicKey(storage: Storage): Promise<string | null> {
  return (await getJson<KeyStorageEntry>(storage, PUBLIC_KEY_PATH))?.key || null;
}

/** The CA's private key (kept only in barrier storage), for signing. */
export async function readCaPrivateKey(storage: Storage): Promise<KeyObject> {
  const entry = await getJson<KeyStorageEntry>(storage, PRIVATE_KEY_PATH);
  if (!entry?.key) throw new CofferError('invalid_request', 'no keys configured: write config/ca first');
  return createPrivateKey({ key: entry.key, format: 'pem' });
}

export async function caConfigured(storage: Storage): Promise<boolean> {
  return (await readCaPublicKey(storage)) !== null || (await getJson<KeyStorageEntry>(storage, PRIVATE_KEY_PATH)) !== null;
}

export async function writeCaKeys(storage: Storage, publicKey: string, privateKeyPem: string): Promise<void> {
  await putJson(storage, PRIVATE_KEY_PATH, { key: privateKeyPem });
  try {
    await putJson(storage, PUBLIC_KEY_PATH, { key: publicKey });
  } catch (err) {
    // Never leave half a CA behind.
    await storage.delete(PRIVATE_KEY_PATH).catch(() => undefined);
    throw err;
  }
}

export async function deleteCaKeys(storage: Storage): Promise<void> {
  await storage.delete(PRIVATE_KEY_PATH);
  await storage.delete(PUBLIC_KEY_PATH);
}
