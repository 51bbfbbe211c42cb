import type { Logger } from '@coffer/sdk';
import type { SealManager } from './seal-manager.js';

const RETRY_MS = 5_000;

/**
 * Keeps trying to unseal through the auto seal until it works, the server
 * is unsealed some other way, or `stop` aborts: the transit server may be
 * down when this one starts. Each failure is logged with its reason.
 */
export function startAutoUnseal(manager: SealManager, logger: Logger, stop: AbortSignal, retryMs = RETRY_MS): Promise<void> {
  return (async () => {
    while (!stop.aborted) {
      try {
        await manager.autoUnseal();
        return;
      } catch (err) {
        logger.error({ err: err instanceof Error ? err.message : String(err), retry_in_seconds: retryMs / 1000 }, 'auto-unseal failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryMs);
        stop.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  })();
}
