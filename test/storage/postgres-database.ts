// A throwaway database on the machine's PostgreSQL (127.0.0.1:5432, trust
// authentication, user postgres), created for one test file and dropped
// after it, so that storage tests never see each other's tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { probeService, type ServiceProbe } from '../support/service.js';

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432';

export function probeLocalPostgres(): Promise<ServiceProbe> {
  return probeService('PostgreSQL at 127.0.0.1:5432 (user postgres, trust)', async () => {
    const client = new pg.Client({ connectionString: `${LOCAL_POSTGRES}/postgres`, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.end();
  });
}

export interface ThrowawayDatabase {
  name: string;
  url: string;
  /** A query against the database, for tests that look behind the backend's back. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

export async function createThrowawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const name = `coffer_${label}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${LOCAL_POSTGRES}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = `${LOCAL_POSTGRES}/${name}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // DROP … WITH (FORCE) may reach a connection the ended pool no longer listens to.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    name,
    url,
    query: (sql, params) => pool.query(sql, params),
    async drop() {
      await pool.end();
      const dropper = new pg.Client({ connectionString: `${LOCAL_POSTGRES}/postgres` });
      await dropper.connect();
      try {
        // FORCE: a test that failed midway may leave connections open.
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
