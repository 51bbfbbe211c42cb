import { randomInt } from 'node:crypto';
import { InmemStorage, silentLogger } from '@coffer/sdk';
import { AesGcmBarrier } from '../barrier/aes-gcm.js';
import { createSealManager, type SealHooks, type SealManager, type SealManagerOptions } from './seal-manager.js';

/** A seal manager over in-memory storage whose hooks record what happened (tests only). */
export interface Harness {
  physical: InmemStorage;
  barrier: AesGcmBarrier;
  manager: SealManager;
  events: string[];
  tokens: string[];
  hooks: SealHooks;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function fakeRootToken(length = 24): string {
  let s = 'hvs.';
  for (let i = 0; i < length; i++) s += BASE62[randomInt(62)];
  return s;
}

export function harness(overrides: Partial<SealHooks> = {}, options: Partial<SealManagerOptions> = {}): Harness {
  const physical = new InmemStorage();
  const barrier = new AesGcmBarrier(physical);
  const events: string[] = [];
  const tokens: string[] = [];
  const hooks: SealHooks = {
    onUnsealed: async () => {
      events.push('unsealed');
    },
    onSealing: async () => {
      events.push('sealing');
    },
    createRootToken: async () => {
      const token = fakeRootToken();
      tokens.push(token);
      events.push('root-token');
      return token;
    },
    revokeRootToken: async (token) => {
      events.push(`revoke:${token}`);
    },
    ...overrides,
  };
  const manager = createSealManager({ physical, barrier, logger: silentLogger, hooks, version: '1.2.3', build_date: '2024-01-01T00:00:00Z', storageType: 'inmem', ...options });
  return { physical, barrier, manager, events, tokens, hooks };
}

export async function unsealWith(manager: SealManager, keys: string[]): Promise<void> {
  for (const key of keys) await manager.submitUnsealKey({ key });
}
