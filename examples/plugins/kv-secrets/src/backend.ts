import { kvFactory } from '@coffer/builtin';
import type { Backend, BackendFactory, BackendType, ExistenceCheckResult, Request, Response, SpecialPaths, Storage } from '@coffer/sdk';
import { SERVED_BY_HEADER, servedBy, type Edition } from './edition.js';

/**
 * Coffer's own K/V engine (versions 1 and 2, chosen by the mount's
 * `version` option as usual), served as an external plugin. Because it
 * reads and writes exactly the storage layout of the built-in engine, it
 * can override the built-in "kv" on a mount that already holds data, and
 * the built-in can take over again after the override is removed.
 */
export function kvSecretsFactory(edition: Edition): BackendFactory {
  return async (conf) => new KvSecretsBackend(await kvFactory(conf), edition);
}

class KvSecretsBackend implements Backend {
  readonly type: BackendType;

  constructor(
    private readonly kv: Backend,
    private readonly edition: Edition,
  ) {
    this.type = kv.type;
  }

  async handleRequest(req: Request): Promise<Response | null> {
    const resp = await this.kv.handleRequest(req);
    // 204 answers have no body to annotate.
    if (!resp) return resp;
    const label = servedBy(this.edition);
    const annotated: Response = { ...resp, headers: { ...(resp.headers ?? {}), [SERVED_BY_HEADER]: label } };
    if (this.edition.announceOnRead && req.operation === 'read' && resp.data) {
      annotated.warnings = [...(resp.warnings ?? []), `served by the ${label} plugin`];
    }
    return annotated;
  }

  handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    return this.kv.handleExistenceCheck(req);
  }

  specialPaths(): SpecialPaths {
    return this.kv.specialPaths();
  }

  initialize(req: { storage: Storage }): Promise<void> {
    return this.kv.initialize(req);
  }

  cleanup(): Promise<void> {
    return this.kv.cleanup();
  }

  invalidateKey(key: string): Promise<void> {
    return this.kv.invalidateKey(key);
  }

  /** What `secrets list -detailed` shows as the running version of an unversioned registration. */
  pluginVersion(): string {
    return this.edition.version;
  }
}
