import type { Backend, BackendConfig, BackendFactory, ExistenceCheckResult } from '../logical/backend.js';
import type { Auth } from '../logical/auth.js';
import { makeRequest, type Operation, type Request } from '../logical/request.js';
import type { Response } from '../logical/response.js';
import type { Secret } from '../logical/secret.js';
import { staticSystemView, type SystemView } from '../logical/system-view.js';
import { silentLogger } from '../logger.js';
import { InmemStorage } from '../storage/inmem.js';

export interface TestBackendOptions {
  /** Mount options handed to a factory (e.g. {version: "2"} for kv). */
  config?: Record<string, string>;
  system?: SystemView;
  /** Defaults to "test/" (an auth method's mount would be "auth/test/"). */
  mountPoint?: string;
  mountType?: string;
  /** Call backend.initialize() like the core does after mounting (default true). */
  initialize?: boolean;
  storage?: InmemStorage;
}

/** A backend mounted on in-memory storage, driven the way the core drives it. */
export interface TestBackend {
  backend: Backend;
  storage: InmemStorage;
  system: SystemView;
  /** One request, exactly as given; errors are thrown as the core would see them. */
  request(operation: Operation, path: string, data?: Record<string, unknown>, extra?: Partial<Request>): Promise<Response | null>;
  /** A POST/PUT as the core sends it: create when the existence check says "absent", else update. */
  write(path: string, data?: Record<string, unknown>, extra?: Partial<Request>): Promise<Response | null>;
  read(path: string, data?: Record<string, unknown>): Promise<Response | null>;
  list(path: string): Promise<Response | null>;
  delete(path: string, data?: Record<string, unknown>): Promise<Response | null>;
  existence(path: string, data?: Record<string, unknown>): Promise<ExistenceCheckResult>;
  /** The `help` text of a path ("" for the mount root). */
  help(path: string): Promise<string>;
  /** Renew or revoke a lease handed out earlier (pass the response's `secret`). */
  renew(secret: Secret, increment?: number): Promise<Response | null>;
  revoke(secret: Secret): Promise<Response | null>;
  /** Renew a token an auth method issued (pass the login response's `auth`). */
  renewAuth(auth: Auth, increment?: number): Promise<Response | null>;
  makeRequest(operation: Operation, path: string, data?: Record<string, unknown>, extra?: Partial<Request>): Request;
}

/**
 * Mount a backend (or build one from its factory) for unit tests. Storage is
 * an InmemStorage the test can inspect; the system view is static.
 */
export async function createTestBackend(factoryOrBackend: BackendFactory | Backend, opts: TestBackendOptions = {}): Promise<TestBackend> {
  const storage = opts.storage ?? new InmemStorage();
  const system = opts.system ?? staticSystemView();
  const mountPoint = opts.mountPoint ?? 'test/';
  let backend: Backend;
  if (typeof factoryOrBackend === 'function') {
    const conf: BackendConfig = {
      storage,
      system,
      logger: silentLogger,
      config: opts.config ?? {},
      backendUuid: globalThis.crypto.randomUUID(),
    };
    backend = await factoryOrBackend(conf);
  } else {
    backend = factoryOrBackend;
  }
  if (opts.initialize ?? true) await backend.initialize({ storage });

  const build = (operation: Operation, path: string, data: Record<string, unknown> = {}, extra: Partial<Request> = {}): Request =>
    makeRequest({
      operation,
      path,
      storage,
      data,
      mountPoint,
      mountType: opts.mountType ?? '',
      clientToken: 'test-token',
      displayName: 'test',
      policies: ['root'],
      ...extra,
    });

  const request: TestBackend['request'] = (operation, path, data, extra) =>
    backend.handleRequest(build(operation, path, data, extra));

  return {
    backend,
    storage,
    system,
    makeRequest: build,
    request,
    async write(path, data, extra) {
      const check = await backend.handleExistenceCheck(build('update', path, data, extra));
      const operation: Operation = check.checkFound && !check.exists ? 'create' : 'update';
      return request(operation, path, data, extra);
    },
    read: (path, data) => request('read', path, data),
    list: (path) => request('list', path),
    delete: (path, data) => request('delete', path, data),
    existence: (path, data) => backend.handleExistenceCheck(build('update', path, data)),
    async help(path) {
      const resp = await request('help', path);
      return String(resp?.data?.['help'] ?? '');
    },
    renew: (secret, increment) =>
      request('renew', '', {}, { secret: { ...secret, ...(increment !== undefined ? { increment } : {}) } }),
    revoke: (secret) => request('revoke', '', {}, { secret }),
    renewAuth: (auth, increment) =>
      request('renew', '', {}, { auth: { ...auth, ...(increment !== undefined ? { increment } : {}) } }),
  };
}
