import { readFileSync } from 'node:fs';
import { CofferError, type Logger } from '@coffer/sdk';
import type { IOptions } from 'etcd3';
import { warnUnknownKeys } from './config-keys.js';
import { boolKey, durationMsKey } from './config-values.js';

const TYPE = 'etcd';
/** Coffer's default lock_timeout (Vault's is 15s): see readEtcdConfig. */
const DEFAULT_LOCK_TIMEOUT_MS = 4000;
const KNOWN_KEYS = ['address', 'path', 'ha_enabled', 'etcd_api', 'tls_ca_file', 'tls_cert_file', 'tls_key_file', 'username', 'password', 'lock_timeout', 'request_timeout'];

export interface EtcdSettings {
  client: IOptions;
  /** Every data key lives under this prefix (ends with "/"). */
  prefix: string;
  haEnabled: boolean;
  lockTtlSeconds: number;
  requestTimeoutMs: number;
  /** The endpoints, for messages. */
  hosts: string[];
}

/**
 * Reads `storage "etcd" { … }` with Vault's keys and defaults (address
 * http://127.0.0.1:2379 or ETCD_ADDR, path "/vault/", request_timeout 5s),
 * except lock_timeout: 4s rather than Vault's 15s, so that a crashed active
 * node is replaced in under 5 seconds. Only etcd's v3 API exists in etcd 3.4+, so
 * `etcd_api = "2"` is refused rather than silently ignored.
 */
export function readEtcdConfig(config: Record<string, string>, logger: Logger): EtcdSettings {
  warnUnknownKeys(TYPE, config, KNOWN_KEYS, logger);
  const api = (config.etcd_api ?? '').trim().toLowerCase();
  if (api !== '' && api !== '3' && api !== 'v3') {
    throw new CofferError('invalid_request', `storage "etcd": etcd_api ${JSON.stringify(config.etcd_api)} is not supported; only the v3 API is (set etcd_api = "v3" or leave it out)`);
  }
  const address = config.address || process.env['ETCD_ADDR'] || 'http://127.0.0.1:2379';
  const hosts = address.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw new CofferError('invalid_request', 'storage "etcd": "address" lists no endpoint');
  for (const host of hosts) {
    if (!/^https?:\/\/[^/]+\/?$/.test(host)) {
      throw new CofferError('invalid_request', `storage "etcd": address ${JSON.stringify(host)} is not an endpoint like http://127.0.0.1:2379`);
    }
  }
  let prefix = config.path || '/vault/';
  if (!prefix.endsWith('/')) prefix += '/';

  const client: IOptions = { hosts };
  const caFile = config.tls_ca_file;
  const certFile = config.tls_cert_file;
  const keyFile = config.tls_key_file;
  if (caFile || certFile || keyFile) {
    if (Boolean(certFile) !== Boolean(keyFile)) {
      throw new CofferError('invalid_request', 'storage "etcd": tls_cert_file and tls_key_file must be set together');
    }
    client.credentials = {
      // Without a CA file, the system's roots verify the server.
      rootCertificate: caFile ? readPem('tls_ca_file', caFile) : (undefined as unknown as Buffer),
      ...(certFile ? { certChain: readPem('tls_cert_file', certFile), privateKey: readPem('tls_key_file', keyFile!) } : {}),
    };
  }
  const username = config.username || process.env['ETCD_USERNAME'] || '';
  const password = config.password || process.env['ETCD_PASSWORD'] || '';
  if (username !== '' || password !== '') {
    if (username === '' || password === '') throw new CofferError('invalid_request', 'storage "etcd": username and password must be set together');
    client.auth = { username, password };
  }
  const requestTimeoutMs = durationMsKey(TYPE, config, 'request_timeout', 5000);
  const lockTtlSeconds = Math.max(1, Math.round(durationMsKey(TYPE, config, 'lock_timeout', DEFAULT_LOCK_TIMEOUT_MS) / 1000));
  client.dialTimeout = requestTimeoutMs;
  // Unary calls get the request timeout; watch and keep-alive streams live on.
  client.defaultCallOptions = (ctx) => (ctx.isStream ? {} : { deadline: new Date(Date.now() + requestTimeoutMs) });
  client.faultHandling = { host: () => passThroughPolicy, watchBackoff: cappedBackoff(100) };
  return { client, prefix, haEnabled: boolKey(TYPE, config, 'ha_enabled', false), lockTtlSeconds, requestTimeoutMs, hosts };
}

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CofferError('invalid_request', `storage "etcd": cannot read ${key} "${file}": ${(err as Error).message}`);
  }
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type HostPolicy = ReturnType<NonNullable<FaultHandling['host']>>;
type WatchBackoff = NonNullable<FaultHandling['watchBackoff']>;

/**
 * The client library's default puts a circuit breaker in front of each
 * endpoint: after three failures it refuses every request for 5 s, even once
 * etcd is back. Coffer would rather try: a request fails fast while an
 * endpoint is down (and the library's retry picks another one), and works
 * again the moment etcd answers.
 */
const passThroughPolicy = {
  execute: <T>(fn: (context: { signal: AbortSignal; attempt: number }) => PromiseLike<T> | T): Promise<T> =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
} as unknown as HostPolicy;

/** Watch reconnects: 100 ms, doubling, at most 2 s apart (the default backs off to 30 s). */
function cappedBackoff(ms: number): WatchBackoff {
  return { duration: ms, next: () => cappedBackoff(Math.min(ms * 2, 2000)) } as WatchBackoff;
}
