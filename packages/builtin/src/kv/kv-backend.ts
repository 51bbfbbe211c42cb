import {
  CofferError,
  type Backend,
  type BackendType,
  type ExistenceCheckResult,
  type FrameworkBackend,
  type Request,
  type Response,
  type SpecialPaths,
  type Storage,
} from '@coffer/sdk';

/**
 * A K/V engine (either version) with two path rules Vault applies in front
 * of every backend, kept here so the engine behaves the same behind any
 * server or as an external plugin:
 *
 *  - a write or patch to a path ending in "/" is refused (it names a folder,
 *    and would be mistaken for one by lists);
 *  - a list is always of a folder, so its path gets a trailing "/".
 */
export class KvBackend implements Backend {
  readonly type: BackendType;

  constructor(readonly framework: FrameworkBackend) {
    this.type = framework.type;
  }

  async handleRequest(req: Request): Promise<Response | null> {
    return this.framework.handleRequest(normalize(req));
  }

  handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    return this.framework.handleExistenceCheck(req);
  }

  specialPaths(): SpecialPaths {
    return this.framework.specialPaths();
  }

  initialize(req: { storage: Storage }): Promise<void> {
    return this.framework.initialize(req);
  }

  cleanup(): Promise<void> {
    return this.framework.cleanup();
  }

  invalidateKey(key: string): Promise<void> {
    return this.framework.invalidateKey(key);
  }

  pluginVersion(): string {
    return this.framework.pluginVersion();
  }
}

function normalize(req: Request): Request {
  const write = req.operation === 'create' || req.operation === 'update' || req.operation === 'patch';
  if (write && req.path.endsWith('/')) {
    throw new CofferError('invalid_request', "cannot write to a path ending in '/'");
  }
  if (req.operation === 'list' && req.path !== '' && !req.path.endsWith('/')) return { ...req, path: `${req.path}/` };
  return req;
}
