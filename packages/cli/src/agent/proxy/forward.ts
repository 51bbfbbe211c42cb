// Sends a request from an application on to the server as it came (method,
// path, query, body), with the token the proxy chose, and returns the answer.
import http from 'node:http';
import https from 'node:https';
import type { ApiClient } from '../../api/client.js';
import { tlsAgentOptions } from '../../api/tls.js';

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that describe one connection, not the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);

export class Forwarder {
  private readonly agent: http.Agent;

  constructor(private readonly client: ApiClient) {
    const isHttps = client.address.startsWith('https:');
    this.agent = isHttps ? new https.Agent({ ...tlsAgentOptions(client.options.tls), keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  forward(method: string, pathAndQuery: string, headers: http.IncomingHttpHeaders, body: Buffer, token: string | undefined): Promise<ProxiedResponse> {
    const target = new URL(pathAndQuery, this.client.address + '/');
    const outgoing: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      outgoing[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    delete outgoing['x-vault-token'];
    delete outgoing.authorization;
    if (token) outgoing['X-Vault-Token'] = token;
    if (body.length > 0) outgoing['Content-Length'] = String(body.length);
    // LIST is sent as GET ?list=true: proxies and Node's parser refuse the verb.
    let verb = method;
    if (verb === 'LIST') {
      verb = 'GET';
      target.searchParams.set('list', 'true');
    }
    const send = target.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(target, { method: verb, headers: outgoing, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      });
      req.setTimeout(this.client.options.timeoutMs, () => req.destroy(new Error('the server did not answer in time')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
