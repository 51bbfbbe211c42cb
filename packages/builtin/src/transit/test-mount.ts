import type { Response } from '@coffer/sdk';
import { createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createTransitBackend, type TransitOptions } from './backend.js';

/** A transit mount on in-memory storage, for this engine's tests. */
export async function mountTransit(options: TransitOptions = {}, storage?: TestBackend['storage']): Promise<TestBackend> {
  return createTestBackend((conf) => createTransitBackend(conf, options), { mountPoint: 'transit/', mountType: 'transit', ...(storage ? { storage } : {}) });
}

export const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

/** The data of a response that must have some. */
export function dataOf(resp: Response | null): Record<string, unknown> {
  if (!resp?.data) throw new Error('response without data');
  return resp.data;
}

/** A snapshot of every stored entry, to prove that a refused request wrote nothing. */
export async function snapshot(mount: TestBackend): Promise<string> {
  const keys: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    for (const child of await mount.storage.list(prefix)) {
      if (child.endsWith('/')) await walk(prefix + child);
      else keys.push(prefix + child);
    }
  };
  await walk('');
  const parts: string[] = [];
  for (const key of keys) parts.push(`${key}=${(await mount.storage.get(key))!.value.toString('base64')}`);
  return parts.join('\n');
}
