import { CofferError, type Backend, type BackendType, type ExistenceCheckResult, type SpecialPaths } from '@coffer/sdk';

/**
 * Stands in the router for a mount whose backend could not start at unseal
 * (binary missing, sha256 changed): without a route, requests to the mount
 * would fall through to "no handler for route" (404, as if it never
 * existed); with one, the request pipeline answers with the mount's start
 * error (503) and a reload can swap the real backend in.
 */
export class UnavailableBackend implements Backend {
  constructor(
    readonly type: BackendType,
    private readonly mount: string,
    private readonly reason: string,
  ) {}

  async handleRequest(): Promise<never> {
    throw new CofferError('unavailable', `mount "${this.mount}" is not available: ${this.reason}`);
  }

  async handleExistenceCheck(): Promise<ExistenceCheckResult> {
    return { checkFound: false, exists: false };
  }

  specialPaths(): SpecialPaths {
    return {};
  }

  async initialize(): Promise<void> {}
  async cleanup(): Promise<void> {}
  async invalidateKey(): Promise<void> {}

  pluginVersion(): string {
    return '';
  }
}
