// "login -method=oidc": the browser flow, as Vault's CLI runs it. The CLI
// listens on localhost:8250 (listenaddress, port), asks the server for the
// provider's auth URL with that callback as redirect_uri and a client nonce,
// opens a browser on it (unless skip_browser), and when the provider sends
// the browser back, hands state and code to the server's oidc/callback.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApiClient } from '../api/client.js';
import { parseGoBool } from '../api/config.js';
import type { Secret } from '../api/secret.js';
import { PRODUCT_NAME } from '../cli/branding.js';
import type { Context } from '../cli/context.js';
import type { LoginConfig, LoginMethod } from './login-methods.js';

/** Thrown for a failed login; the login command prints it after "Error authenticating: ". */
class OidcLoginError extends Error {}

const CALLBACK_PATH = '/oidc/callback';
const WAIT_FOR_CALLBACK_MS = 2 * 60_000;

export const oidcLoginMethod: LoginMethod = {
  help:
    'Usage: login -method=oidc [role=NAME] [port=8250] [listenaddress=localhost] [callbackhost=localhost] ' +
    '[callbackmethod=http] [callbackport=PORT] [skip_browser=false] [-path=MOUNT]. Opens the provider\'s login ' +
    'page in a browser and waits on the callback address for the provider to send the browser back.',
  login: (ctx, client, config) => oidcLogin(ctx, client, config),
};

async function oidcLogin(ctx: Context, client: ApiClient, config: LoginConfig): Promise<Secret> {
  const mount = (config.mount || 'oidc').replace(/^\/+|\/+$/g, '');
  const listenAddress = config.listenaddress || 'localhost';
  const port = config.port || '8250';
  const callbackHost = config.callbackhost || 'localhost';
  const callbackMethod = config.callbackmethod || 'http';
  const callbackPort = config.callbackport || port;
  const skipBrowser = parseBoolSetting(config, 'skip_browser');
  const role = config.role ?? '';
  const redirectUri = `${callbackMethod}://${callbackHost}:${callbackPort}${CALLBACK_PATH}`;
  const clientNonce = randomBytes(20).toString('base64url');

  // Listen before asking for the URL, so a fast browser never finds the port closed.
  const server = createServer();
  await listen(server, Number(port), listenAddress);
  try {
    const started = await client.write(`auth/${mount}/oidc/auth_url`, { role, redirect_uri: redirectUri, client_nonce: clientNonce });
    const authUrl = typeof started?.data?.['auth_url'] === 'string' ? started.data['auth_url'] : '';
    if (authUrl === '') {
      throw new OidcLoginError(
        `Unable to authorize role ${JSON.stringify(role)} with redirect_uri ${JSON.stringify(redirectUri)}. Check ${PRODUCT_NAME} logs for more information.`,
      );
    }
    const callback = waitForCallback(server, client, mount, clientNonce);
    if (skipBrowser) {
      ctx.ui.warn(`Complete the login via your OIDC provider. Open the following link in your browser:\n\n    ${authUrl}\n\n`);
    } else {
      ctx.ui.warn(`Complete the login via your OIDC provider. Launching browser to:\n\n    ${authUrl}\n\n`);
      openBrowser(authUrl, (message) => ctx.ui.warn(`Error attempting to automatically open browser: '${message}'.\nPlease visit the authorization URL manually.`));
    }
    ctx.ui.warn('Waiting for OIDC authentication to complete...');
    return await callback;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function parseBoolSetting(config: LoginConfig, name: string): boolean {
  const raw = config[name];
  if (raw === undefined || raw === '') return false;
  const parsed = parseGoBool(raw);
  if (parsed === undefined) throw new OidcLoginError(`Failed to parse "${name}" as boolean: ${raw}`);
  return parsed;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new OidcLoginError(`failed to listen on ${host}:${port} for the OIDC callback: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
}

/** The first request to the callback path finishes the login; the browser is told how it went. */
function waitForCallback(server: Server, client: ApiClient, mount: string, clientNonce: string): Promise<Secret> {
  return new Promise<Secret>((resolve, reject) => {
    const timer = setTimeout(() => reject(new OidcLoginError('Timed out waiting for response from provider')), WAIT_FOR_CALLBACK_MS);
    let done = false;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://callback.invalid');
      if (url.pathname !== CALLBACK_PATH || done) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      done = true;
      clearTimeout(timer);
      const q = url.searchParams;
      const providerError = q.get('error');
      const finish = providerError
        ? Promise.reject(new OidcLoginError(`the provider refused the login: ${providerError}${q.get('error_description') ? `: ${q.get('error_description')}` : ''}`))
        : client.read(`auth/${mount}/oidc/callback`, {
            state: q.get('state') ?? '',
            code: q.get('code') ?? '',
            id_token: q.get('id_token') ?? '',
            client_nonce: clientNonce,
          });
      finish.then(
        (secret) => {
          if (!secret?.auth) {
            page(res, 500, 'Login failed', `${PRODUCT_NAME} returned no token.`);
            reject(new OidcLoginError('empty response from credential provider'));
            return;
          }
          page(res, 200, 'Signed in', `${PRODUCT_NAME} login was successful. You can close this window and return to the CLI.`);
          resolve(secret);
        },
        (err: unknown) => {
          page(res, 400, 'Login failed', `${PRODUCT_NAME} login failed; see the CLI for the reason.`);
          reject(err);
        },
      );
    });
  });
}

function page(res: ServerResponse, status: number, title: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>\n`);
}

/** Opens the URL with the platform's opener; failure only means the user opens it by hand. */
function openBrowser(url: string, onError: (message: string) => void): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (err) => onError(err.message));
    child.unref();
  } catch (err) {
    onError((err as Error).message);
  }
}
