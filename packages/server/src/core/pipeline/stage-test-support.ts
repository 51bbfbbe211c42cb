import { InmemStorage, createBackend, type Backend, type Request, type Response } from '@coffer/sdk';
import { newMountEntry, type MountEntry, type MountConfig } from '../../mounts/mount-entry.js';
import type { TokenInfo } from '../ports.js';
import { Router, type Route } from '../router.js';
import { newPipelineContext, type PipelineContext } from './stage.js';

/** A backend that records the requests it gets and answers with `answer`. */
export function recordingBackend(answer: (req: Request) => Response | null = () => ({ data: { ok: true } })): Backend & { seen: Request[] } {
  const seen: Request[] = [];
  const inner = createBackend({
    type: 'logical',
    help: 'records what it receives',
    paths: [
      {
        pattern: '.*',
        operations: {
          read: { callback: async (req) => (seen.push(req), answer(req)) },
          update: { callback: async (req) => (seen.push(req), answer(req)) },
          list: { callback: async (req) => (seen.push(req), answer(req)) },
        },
      },
    ],
    pathsSpecial: { root: ['admin/*'], unauthenticated: ['login'] },
  });
  return Object.assign(inner, { seen });
}

/** A route for a mount of `type` at `path`, with `config` tunables. */
export function testRoute(type: string, path: string, backend: Backend, config: Partial<MountConfig> = {}): { route: Route; router: Router; entry: MountEntry } {
  const router = new Router();
  const entry = newMountEntry('mounts', path, type, { config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...config } });
  const route = router.mount(entry, backend, new InmemStorage());
  return { route, router, entry };
}

export function testToken(over: Partial<TokenInfo> = {}): TokenInfo {
  return { id: 'hvs.client-token', accessor: 'acc1', policies: ['default'], displayName: 'token', entityId: '', numUses: 0, type: 'service', path: 'auth/token/create', meta: {}, issueTime: 0, ttl: 3600, orphan: false, cubbyholeId: 'cubby-1', ...over };
}

export function testContext(path: string, over: Partial<Parameters<typeof newPipelineContext>[0]> = {}): PipelineContext {
  return newPipelineContext({ id: 'req-1', operation: 'read', path, data: {}, token: 'hvs.client-token', headers: {}, ...over });
}

export const done = async (): Promise<void> => undefined;
