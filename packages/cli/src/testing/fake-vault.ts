// A tiny stand-in for a Vault-API server: records every request and answers
// with canned, Vault-shaped JSON. Commands are checked against it for the
// method, path and body they send and for how they print the answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. "/v1/secret/data/foo". */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Responder = FakeResponse | ((req: RecordedRequest) => FakeResponse);

export class FakeVault {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Responder>();
  private readonly prefixRoutes: Array<{ prefix: string; responder: Responder }> = [];
  private server: http.Server | undefined;
  address = '';

  /** Answers METHOD /v1/<path> (query ignored) with the given response. */
  on(method: string, path: string, responder: Responder): this {
    this.routes.set(`${method.toUpperCase()} /v1/${path.replace(/^\/+/, '')}`, responder);
    return this;
  }

  /** Answers the KV pre-flight for every path under a mount ("secret/", version "2" or "1"). */
  kvMount(mount: string, version: '1' | '2'): this {
    this.prefixRoutes.push({
      prefix: `GET /v1/sys/internal/ui/mounts/${mount.replace(/\/$/, '')}`,
      responder: { body: { data: { path: mount, type: 'kv', options: { version } } } },
    });
    return this;
  }

  /** Requests other than the KV pre-flight. */
  get calls(): RecordedRequest[] {
    return this.requests.filter((r) => !r.path.startsWith('/v1/sys/internal/ui/mounts/'));
  }

  last(): RecordedRequest {
    const calls = this.calls;
    if (calls.length === 0) throw new Error('no request recorded');
    return calls[calls.length - 1]!;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = rawBody;
        }
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: decodeURIComponent(url.pathname),
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          rawBody,
          body,
        };
        this.requests.push(recorded);
        const key = `${recorded.method} ${recorded.path}`;
        const responder =
          this.routes.get(key) ??
          this.prefixRoutes.find((r) => key === r.prefix || key.startsWith(r.prefix + '/'))?.responder;
        const response = typeof responder === 'function' ? responder(recorded) : responder;
        const status = response?.status ?? (responder ? 200 : 404);
        const payload = response ? response.body : { errors: [] };
        res.writeHead(status, { 'Content-Type': 'application/json', ...(response?.headers ?? {}) });
        res.end(payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.address = `http://127.0.0.1:${port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Environment that points the CLI at this server with a token. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { VAULT_ADDR: this.address, VAULT_TOKEN: 'test-token', ...extra };
  }
}
