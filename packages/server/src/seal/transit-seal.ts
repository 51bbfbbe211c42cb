import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { CofferError, type Logger } from '@coffer/sdk';
import type { AutoSeal } from './auto-seal.js';

/** The `seal "transit"` stanza, with Vault's environment overrides applied. */
export interface TransitSealSettings {
  address: string;
  token: string;
  keyName: string;
  mountPath: string;
  disableRenewal: boolean;
  tls: { ca?: string; cert?: string; key?: string; serverName?: string; skipVerify: boolean };
}

/** Reads the stanza; VAULT_* variables win, as they do for Vault's transit seal. */
export function transitSealSettings(config: Record<string, string>, env: NodeJS.ProcessEnv = process.env): TransitSealSettings {
  const pick = (envName: string, key: string): string => env[envName] || config[key] || '';
  const address = pick('VAULT_ADDR', 'address');
  const token = pick('VAULT_TOKEN', 'token');
  const keyName = pick('VAULT_TRANSIT_SEAL_KEY_NAME', 'key_name');
  const mountPath = (pick('VAULT_TRANSIT_SEAL_MOUNT_PATH', 'mount_path') || 'transit/').replace(/^\/+/, '').replace(/\/?$/, '/');
  const missing = [!address && 'address', !keyName && 'key_name'].filter(Boolean);
  if (missing.length > 0) throw new CofferError('invalid_request', `seal "transit": ${missing.join(' and ')} must be set (or VAULT_ADDR / VAULT_TRANSIT_SEAL_KEY_NAME)`);
  if (!token) throw new CofferError('invalid_request', 'seal "transit": token must be set (or VAULT_TOKEN): a token of the transit server allowed to use transit/encrypt and transit/decrypt with this key');
  const file = (envName: string, key: string): string | undefined => {
    const path = pick(envName, key);
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new CofferError('invalid_request', `seal "transit": cannot read ${key} "${path}": ${(err as Error).message}`);
    }
  };
  const flag = (value: string): boolean => ['1', 'true', 't', 'yes'].includes(value.toLowerCase());
  return {
    address: address.replace(/\/+$/, ''),
    token,
    keyName,
    mountPath,
    disableRenewal: flag(config['disable_renewal'] ?? ''),
    tls: {
      ca: file('VAULT_CACERT', 'tls_ca_cert'),
      cert: file('VAULT_CLIENT_CERT', 'tls_client_cert'),
      key: file('VAULT_CLIENT_KEY', 'tls_client_key'),
      serverName: pick('VAULT_TLS_SERVER_NAME', 'tls_server_name') || undefined,
      skipVerify: flag(pick('VAULT_SKIP_VERIFY', 'tls_skip_verify')),
    },
  };
}

const CALL_TIMEOUT_MS = 10_000;

/**
 * Vault's transit seal: the root key is encrypted by a key of another
 * Coffer's (or Vault's) Transit engine. The token is renewed at half its TTL
 * unless `disable_renewal` is set.
 */
export class TransitSeal implements AutoSeal {
  readonly type = 'transit';
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: TransitSealSettings,
    private readonly logger: Logger,
  ) {
    if (!settings.disableRenewal) this.scheduleRenewal(0);
  }

  async encrypt(plaintext: Buffer): Promise<string> {
    const data = await this.call('POST', `${this.settings.mountPath}encrypt/${encodeURIComponent(this.settings.keyName)}`, { plaintext: plaintext.toString('base64') });
    const ciphertext = data?.['ciphertext'];
    if (typeof ciphertext !== 'string') throw new CofferError('internal', 'the transit seal answered encrypt without a ciphertext');
    return ciphertext;
  }

  async decrypt(ciphertext: string): Promise<Buffer> {
    const data = await this.call('POST', `${this.settings.mountPath}decrypt/${encodeURIComponent(this.settings.keyName)}`, { ciphertext });
    const plaintext = data?.['plaintext'];
    if (typeof plaintext !== 'string') throw new CofferError('internal', 'the transit seal answered decrypt without a plaintext');
    return Buffer.from(plaintext, 'base64');
  }

  close(): void {
    clearTimeout(this.renewal);
    this.renewal = undefined;
  }

  /** Looks the token up after `delayMs`, renews it when renewable, and plans the next look at half its TTL. */
  private scheduleRenewal(delayMs: number): void {
    this.renewal = setTimeout(() => {
      void this.renewOnce().then((nextMs) => {
        if (this.renewal !== undefined) this.scheduleRenewal(nextMs);
      });
    }, delayMs);
    this.renewal.unref();
  }

  private async renewOnce(): Promise<number> {
    try {
      const self = await this.call('GET', 'auth/token/lookup-self');
      const ttl = Number(self?.['ttl'] ?? 0);
      if (ttl <= 0) return 3_600_000; // a token that does not expire: look again in an hour
      if (self?.['renewable'] === true) {
        const renewed = await this.callRaw('POST', 'auth/token/renew-self', {});
        const leaseSeconds = Number((renewed?.['auth'] as Record<string, unknown> | undefined)?.['lease_duration'] ?? ttl);
        return Math.max(1000, (leaseSeconds * 1000) / 2);
      }
      return Math.max(1000, (ttl * 1000) / 2);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'transit seal: renewing the token failed; trying again in 30s');
      return 30_000;
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown> | undefined> {
    const answer = await this.callRaw(method, path, body);
    return answer?.['data'] as Record<string, unknown> | undefined;
  }

  private callRaw(method: string, path: string, body?: unknown): Promise<Record<string, unknown> | undefined> {
    const url = new URL(`${this.settings.address}/v1/${path}`);
    const secure = url.protocol === 'https:';
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const { tls } = this.settings;
    return new Promise((resolve, reject) => {
      const options: https.RequestOptions = {
        method,
        timeout: CALL_TIMEOUT_MS,
        headers: { 'X-Vault-Token': this.settings.token, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        ...(secure ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, rejectUnauthorized: !tls.skipVerify } : {}),
      };
      const req = (secure ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> | undefined;
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
          } catch {
            parsed = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(parsed);
          const errors = Array.isArray(parsed?.['errors']) ? (parsed!['errors'] as unknown[]).join('; ') : text.slice(0, 200);
          reject(new CofferError('unavailable', `the transit seal at ${this.settings.address} answered ${method} ${path} with ${status}: ${errors}`));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${CALL_TIMEOUT_MS / 1000}s`)));
      req.on('error', (err) => reject(new CofferError('unavailable', `the transit seal at ${this.settings.address} cannot be reached: ${err.message}`)));
      req.end(payload);
    });
  }
}
