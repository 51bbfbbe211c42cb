// The auto-auth loop: log in, hand the token on, keep it alive, and log in
// again when it can no longer be renewed (max TTL reached, revoked, server
// restarted or unreachable). Failed logins back off between min_backoff and
// max_backoff; with exit_on_err the first failed login ends the agent.
import type { ApiClient } from '../../api/client.js';
import type { Secret } from '../../api/secret.js';
import { goDurationString } from '../../format/duration.js';
import { Backoff, sleep } from '../backoff.js';
import type { AutoAuthMethodConfig } from '../config/types.js';
import { oneLine } from '../error-text.js';
import type { Logger } from '../logger.js';
import type { AgentMetrics } from '../metrics.js';
import type { AuthMethod } from './method.js';

/** What auto-auth hands to sinks, templates and the proxy. */
export interface AuthResult {
  /** The token the agent uses; undefined when the login was response-wrapped. */
  token: string | undefined;
  /** What sinks write: the token, or the wrap info JSON of a wrapped login. */
  sinkText: string;
}

export class AuthExitError extends Error {}

interface Lease {
  ttl: number;
  renewable: boolean;
}

export class AuthHandler {
  private readonly backoff: Backoff;

  constructor(
    private readonly method: AuthMethod,
    private readonly config: AutoAuthMethodConfig,
    private readonly client: ApiClient,
    private readonly logger: Logger,
    private readonly onAuth: (result: AuthResult) => Promise<void>,
    private readonly metrics?: AgentMetrics,
  ) {
    this.backoff = new Backoff(config.minBackoff, config.maxBackoff);
  }

  /** Runs until the signal aborts; rejects with AuthExitError under exit_on_err. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let result: { auth: AuthResult; lease: Lease; client: ApiClient };
      try {
        this.logger.info('authenticating');
        result = await this.login();
      } catch (err) {
        const reason = (err as Error).message;
        this.metrics?.increment('vault.agent.auth.failure');
        if (this.config.exitOnErr) throw new AuthExitError(`error authenticating: ${reason}`);
        const wait = this.backoff.next();
        this.logger.error('error authenticating', { error: oneLine(reason), backoff: goDurationString(Math.round(wait / 100) / 10) });
        await sleep(wait, signal);
        continue;
      }
      this.backoff.reset();
      this.metrics?.increment('vault.agent.auth.success');
      this.logger.info('authentication successful, sending token to sinks');
      await this.onAuth(result.auth);
      if (result.auth.token === undefined) {
        // A wrapped login: the agent cannot renew what it cannot read. A
        // fresh wrapping token is fetched before this one expires.
        await sleep(Math.max(1, result.lease.ttl * (2 / 3)) * 1000, signal);
        continue;
      }
      await this.watch(result.auth.token, result.lease, result.client, signal);
    }
  }

  /** `client` is the one the login went through: renewals go through it too (a cert login's client certificate must be presented again). */
  private async login(): Promise<{ auth: AuthResult; lease: Lease; client: ApiClient }> {
    const request = await this.method.authenticate();
    if (request.kind === 'token') {
      const self = await this.client.secret('GET', 'auth/token/lookup-self', { token: request.token, noWrap: true });
      const data = self?.data ?? {};
      return {
        auth: { token: request.token, sinkText: request.token },
        lease: { ttl: Number(data.ttl ?? 0), renewable: Boolean(data.renewable) },
        client: this.client,
      };
    }
    const client = request.client ?? this.client;
    const headers: Record<string, string> = {};
    if (this.config.wrapTtl) headers['X-Vault-Wrap-TTL'] = String(this.config.wrapTtl);
    if (this.config.namespace) headers['X-Vault-Namespace'] = this.config.namespace;
    const secret: Secret | null = await client.secret('PUT', request.path, { body: request.body, token: null, headers, noWrap: true });
    if (this.config.wrapTtl) {
      const wrap = secret?.wrap_info;
      if (!wrap?.token) throw new Error('the login response was not wrapped');
      return { auth: { token: undefined, sinkText: JSON.stringify(wrap) }, lease: { ttl: Number(wrap.ttl ?? this.config.wrapTtl), renewable: false }, client };
    }
    const auth = secret?.auth;
    if (!auth?.client_token) throw new Error('the login response had no token');
    return {
      auth: { token: auth.client_token, sinkText: auth.client_token },
      lease: { ttl: Number(auth.lease_duration ?? 0), renewable: Boolean(auth.renewable) },
      client,
    };
  }

  /**
   * Keeps the token alive until it cannot be renewed any more, then returns
   * so that run() logs in again. Renews at two thirds of the TTL.
   */
  private async watch(token: string, lease: Lease, client: ApiClient, signal: AbortSignal): Promise<void> {
    if (lease.ttl === 0) {
      // A token without expiry (root, or a period-less orphan): nothing to renew.
      await sleep(2 ** 31 - 1, signal);
      return;
    }
    let ttl = lease.ttl;
    const increment = lease.ttl;
    if (!lease.renewable) {
      this.logger.info('token is not renewable; will authenticate again before it expires', { ttl: goDurationString(ttl) });
      await sleep(ttl * (2 / 3) * 1000, signal);
      return;
    }
    while (!signal.aborted) {
      if (!(await sleep(ttl * (2 / 3) * 1000, signal))) return;
      let renewed: Secret | null;
      try {
        renewed = await client.secret('PUT', 'auth/token/renew-self', { token, body: { increment }, noWrap: true });
      } catch (err) {
        this.logger.warn('renewing the token failed; authenticating again', { error: oneLine((err as Error).message) });
        return;
      }
      const newTtl = Number(renewed?.auth?.lease_duration ?? 0);
      this.logger.debug('renewed auth token', { ttl: goDurationString(newTtl) });
      if (newTtl < increment) {
        // Its max TTL caps it: use what is left, then log in again.
        this.logger.info('token reached its maximum TTL; will authenticate again before it expires', { ttl: goDurationString(newTtl) });
        await sleep(newTtl * (2 / 3) * 1000, signal);
        return;
      }
      ttl = newTtl;
    }
  }
}
