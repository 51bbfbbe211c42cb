// One HTTPS request to a Coffer server on a fresh connection, trusting the
// server's own certificate and presenting a client certificate when given:
// what the cert auth method's tests need and fetch() cannot do.
import https from 'node:https';

export interface HttpsAnswer {
  status: number;
  body: any;
}

export interface HttpsCallOptions {
  /** PEM the server's certificate is checked against. */
  ca: string;
  body?: unknown;
  token?: string;
  /** Client certificate and key, PEM. */
  client?: { cert: string; key: string };
}

export function httpsCall(address: string, method: string, path: string, opts: HttpsCallOptions): Promise<HttpsAnswer> {
  const url = new URL(`${address}/v1/${path}`);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        ca: opts.ca,
        agent: false,
        ...(opts.client ? { cert: opts.client.cert, key: opts.client.key } : {}),
        headers: {
          ...(opts.token ? { 'X-Vault-Token': opts.token } : {}),
          ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
