import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where the UI package's build lands (packages/ui/dist), from this file in src/ or dist/. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The UI only loads its own scripts and styles and only talks to this server:
 * no inline script or style, no framing, no other origin.
 */
export const UI_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

interface UiFile {
  body: Buffer;
  gzipped?: Buffer;
  contentType: string;
  /** Vite puts content-hashed files under assets/: they never change, so browsers may keep them for good. */
  immutable: boolean;
}

/**
 * Serves the built single-page app under /ui/ (and sends / there). The
 * build is read into memory once: it is small, and no request path ever
 * touches the file system, so no path can climb out of the build directory.
 * Returns a function for the HTTP handler's `serveOther` hook.
 */
export function createUiServer(options: { enabled: boolean; dir?: string }): (req: IncomingMessage, res: ServerResponse) => boolean {
  const files = options.enabled ? loadBuild(options.dir ?? DEFAULT_UI_DIR) : new Map<string, UiFile>();
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== '/' && path !== '/ui' && !path.startsWith('/ui/')) return false;
    if (!options.enabled) {
      sendText(res, 404, 'The web UI is disabled on this server: set ui = true in the server configuration to serve it at /ui/.\n');
      return true;
    }
    if (path === '/' || path === '/ui') {
      res.writeHead(307, { Location: '/ui/', 'Cache-Control': 'no-store' }).end();
      return true;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', ...UI_SECURITY_HEADERS }).end('Method not allowed\n');
      return true;
    }
    const index = files.get('index.html');
    if (index === undefined) {
      sendText(res, 404, 'The web UI has not been built: run `npm run build` in the Coffer checkout, then restart the server.\n');
      return true;
    }
    const name = safeDecode(path.slice('/ui/'.length));
    let file = name === undefined ? undefined : files.get(name);
    if (file === undefined) {
      // A missing asset is a 404; any other path is a page of the app, which routes it itself.
      if (name === undefined || name.split('/').includes('..') || name.startsWith('assets/') || extname(name) !== '') {
        sendText(res, 404, 'Not found\n');
        return true;
      }
      file = index;
    }
    send(req, res, method === 'HEAD', file);
    return true;
  };
}

function send(req: IncomingMessage, res: ServerResponse, headOnly: boolean, file: UiFile): void {
  const gzip = file.gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzipped! : file.body;
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': body.length,
    'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    ...UI_SECURITY_HEADERS,
  });
  res.end(headOnly ? undefined : body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', ...UI_SECURITY_HEADERS }).end(text);
}

function safeDecode(name: string): string | undefined {
  try {
    return decodeURIComponent(name === '' ? 'index.html' : name);
  } catch {
    return undefined;
  }
}

function loadBuild(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  if (!existsSync(dir)) return files;
  const walk = (at: string): void => {
    for (const entry of readdirSync(at)) {
      const full = join(at, entry);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const name = relative(dir, full).split(sep).join('/');
      const body = readFileSync(full);
      const contentType = CONTENT_TYPES[extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|image\/svg|application\/json)/.test(contentType) && body.length > 1024;
      files.set(name, { body, contentType, immutable: name.startsWith('assets/'), ...(compressible ? { gzipped: gzipSync(body) } : {}) });
    }
  };
  walk(dir);
  return files;
}
