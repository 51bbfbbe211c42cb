// "secrets move" / "auth move": start a remount and wait for it to finish.
import { apiFailure } from '../cli/command.js';
import type { Context } from '../cli/context.js';

const POLL_INTERVAL_MS = 1000;

export async function moveMount(ctx: Context, what: string, source: string, destination: string): Promise<number> {
  const client = ctx.client();
  let migrationId = '';
  try {
    const secret = await client.secret('POST', 'sys/remount', { body: { from: source, to: destination } });
    migrationId = String(secret?.data?.migration_id ?? secret?.migration_id ?? '');
  } catch (err) {
    return apiFailure(ctx, `Error moving ${what} ${source} to ${destination}`, err);
  }
  if (migrationId === '') {
    // A server that moves the mount before answering has nothing to poll.
    ctx.ui.output(`Success! Finished moving ${what} ${source} to ${destination}`);
    return 0;
  }
  ctx.ui.output(`Started moving ${what} ${source} to ${destination}, with migration ID ${migrationId}`);
  for (;;) {
    let status = '';
    try {
      const secret = await client.secret('GET', `sys/remount/status/${migrationId}`);
      const info = (secret?.data?.migration_info ?? {}) as Record<string, unknown>;
      status = String(info.status ?? '');
    } catch (err) {
      return apiFailure(ctx, `Error checking migration status of ${what} ${source} to ${destination}`, err);
    }
    if (status === 'success') {
      ctx.ui.output(`Success! Finished moving ${what} ${source} to ${destination}, with migration ID ${migrationId}`);
      return 0;
    }
    if (status === 'failure') {
      ctx.ui.error(`Failure! Error encountered moving ${what} ${source} to ${destination}, with migration ID ${migrationId}`);
      return 2;
    }
    ctx.ui.output(`Waiting for terminal status in migration of ${what} ${source} to ${destination}, with migration ID ${migrationId}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
