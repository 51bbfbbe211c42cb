/**
 * Tests that need a real service (PostgreSQL, MariaDB, Redis, RabbitMQ)
 * probe it once: without it they skip with the reason, except under
 * CI=true, where a missing service must fail the run instead.
 *
 *   const pg = await probeService('PostgreSQL at 127.0.0.1:5432', async () => { ... });
 *   describe('...', { skip: pg.skip }, () => { before(pg.failUnderCi); ... });
 */
export interface ServiceProbe {
  /** The reason to skip, or false to run. */
  skip: string | false;
  /** Why the service cannot be used, if it cannot. */
  unavailable?: string;
  /** For before(): fails when the suite runs although the service is missing (that is, under CI). */
  failUnderCi: () => void;
}

export async function probeService(what: string, probe: () => Promise<void>): Promise<ServiceProbe> {
  let unavailable: string | undefined;
  try {
    await probe();
  } catch (err) {
    unavailable = `${what} is not reachable (${err instanceof Error ? err.message : String(err)})`;
  }
  const inCi = process.env['CI'] === 'true';
  return {
    skip: unavailable !== undefined && !inCi ? `${unavailable}; skipping` : false,
    ...(unavailable !== undefined ? { unavailable } : {}),
    failUnderCi: () => {
      if (unavailable !== undefined) throw new Error(`CI=true: ${unavailable}`);
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
