import type { Storage } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { rotate, rotationDue } from './key-ring.js';

/**
 * The periodic function's job: rotate every key whose latest version is
 * older than its auto_rotate_period. The decision reads only stored state
 * (the period and the version's creation time), so it survives restarts. A
 * key that fails to rotate is logged and retried on the next run; it does
 * not stop the others.
 */
export async function autoRotate(ctx: TransitContext, storage: Storage): Promise<number> {
  let rotated = 0;
  for (const name of await ctx.keys.list(storage)) {
    const policy = await ctx.keys.get(storage, name);
    if (!policy || !rotationDue(policy, ctx.now())) continue;
    try {
      await ctx.keys.update(storage, name, async (current) => {
        // Another writer may have rotated it meanwhile.
        if (!current || !rotationDue(current, ctx.now())) return;
        await rotate(current, ctx.now());
        await ctx.keys.put(storage, current);
        rotated++;
      });
    } catch (err) {
      ctx.logger.error({ key: name, error: (err as Error).message }, 'transit: automatic rotation failed');
    }
  }
  return rotated;
}
