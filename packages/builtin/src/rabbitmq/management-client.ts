import { CofferError } from '@coffer/sdk';

/** Where the RabbitMQ management API is and who logs in to it. */
export interface ManagementConnection {
  connection_uri: string;
  username: string;
  password: string;
}

const TIMEOUT_MS = 10_000;
const CLOSE_ATTEMPTS = 4;

/**
 * A minimal client of RabbitMQ's management HTTP API (the rabbitmq_management
 * plugin): users, vhost permissions, topic permissions. Errors keep
 * RabbitMQ's reason but never the password.
 */
export class ManagementClient {
  constructor(private readonly conn: ManagementConnection) {}

  overview(): Promise<unknown> {
    return this.call('GET', 'overview');
  }

  async putUser(name: string, password: string, tags: string): Promise<void> {
    await this.call('PUT', `users/${enc(name)}`, { password, tags });
  }

  async deleteUser(name: string): Promise<void> {
    await this.call('DELETE', `users/${enc(name)}`, undefined, { missingOk: true });
  }

  /**
   * Closes every connection the user has open (so a revoked user cannot keep
   * publishing). RabbitMQ may already be closing them because the user was
   * just deleted, and then answers 5xx for a connection that is going away;
   * the call is idempotent, so it is retried a few times before failing.
   */
  async closeConnectionsOf(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('DELETE', `connections/username/${enc(name)}`, undefined, { missingOk: true });
        return;
      } catch (err) {
        if (!(err instanceof CofferError) || err.code !== 'unavailable' || attempt >= CLOSE_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  async putPermissions(vhost: string, name: string, perms: { configure: string; write: string; read: string }): Promise<void> {
    await this.call('PUT', `permissions/${enc(vhost)}/${enc(name)}`, perms);
  }

  async putTopicPermissions(vhost: string, name: string, perms: { exchange: string; write: string; read: string }): Promise<void> {
    await this.call('PUT', `topic-permissions/${enc(vhost)}/${enc(name)}`, perms);
  }

  private async call(method: string, path: string, body?: unknown, opts: { missingOk?: boolean } = {}): Promise<unknown> {
    let base: URL;
    try {
      base = new URL(this.conn.connection_uri);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new CofferError('invalid_request', 'connection_uri must be the http(s) address of the RabbitMQ management API, e.g. http://127.0.0.1:15672');
    }
    const url = new URL(`api/${path}`, base.href.endsWith('/') ? base.href : `${base.href}/`);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${this.conn.username}:${this.conn.password}`).toString('base64')}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CofferError('unavailable', `RabbitMQ management API at ${url.origin} is unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 404 && opts.missingOk) return null;
    if (!res.ok) {
      let reason = text;
      try {
        const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
        reason = String(parsed.reason ?? parsed.error ?? text);
      } catch {
        // not JSON: keep the text
      }
      const code = res.status >= 500 ? 'unavailable' : 'invalid_request';
      throw new CofferError(code, `RabbitMQ refused ${method} ${path.split('/')[0]}: ${res.status} ${reason}`.slice(0, 500));
    }
    return text ? (JSON.parse(text) as unknown) : null;
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
