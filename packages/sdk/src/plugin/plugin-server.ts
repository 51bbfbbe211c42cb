import { fstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  APP_PROTOCOL_VERSION,
  CLIENT_CERT_ENV,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  NOT_A_PLUGIN_MESSAGE,
  PROTOCOL_VERSIONS_ENV,
  VAULT_MAGIC_COOKIE_KEY,
  VAULT_MAGIC_COOKIE_VALUE,
} from './constants.js';
import { formatHandshakeLine } from './handshake.js';
import { MESSAGE_SIZE_OPTIONS, certPemToDer, generateTlsIdentity, serverCredentials, unixTarget, type TlsIdentity } from './tls.js';

/** What a service registration needs to know about the connection. */
export interface PluginServerContext {
  /** This plugin's one-time identity (also its client certificate towards the host services). */
  identity: TlsIdentity;
  /** The server's one-time certificate, from COFFER_PLUGIN_CLIENT_CERT. */
  hostCertPem: string;
  hostCertDer: Buffer;
}

export interface PluginServerOptions {
  env?: NodeJS.ProcessEnv;
  /** How to stop a process that cannot serve; defaults to printing to stderr and exiting 1. */
  fail?: (message: string) => never;
}

/**
 * The part of serve() and serveDatabase() that is the same for every kind of
 * plugin: check the cookie, listen with mutual TLS on a unix socket in a
 * private directory, print the handshake line, and stop on SIGTERM/SIGINT or
 * when the server that started us goes away (our stdin closes).
 */
export async function startPluginServer(
  register: (server: grpc.Server, ctx: PluginServerContext) => void,
  options: PluginServerOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const fail =
    options.fail ??
    ((message: string): never => {
      process.stderr.write(`${message}\n`);
      process.exit(1);
    });

  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE && env[VAULT_MAGIC_COOKIE_KEY] !== VAULT_MAGIC_COOKIE_VALUE) {
    fail(NOT_A_PLUGIN_MESSAGE);
  }
  const offered = (env[PROTOCOL_VERSIONS_ENV] ?? String(APP_PROTOCOL_VERSION)).split(',').map((v) => v.trim());
  if (!offered.includes(String(APP_PROTOCOL_VERSION))) {
    fail(`This plugin speaks Coffer plugin protocol ${APP_PROTOCOL_VERSION}; the server offers ${offered.join(', ')}. Use a matching plugin build.`);
  }
  const hostCertPem = env[CLIENT_CERT_ENV] ?? '';
  let hostCertDer: Buffer;
  try {
    hostCertDer = certPemToDer(hostCertPem);
  } catch {
    return fail(`${CLIENT_CERT_ENV} must hold the PEM certificate of the server that runs this plugin.`);
  }

  const identity = await generateTlsIdentity();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-plugin-'));
  const socketPath = join(dir, 'plugin.sock');
  const server = new grpc.Server(MESSAGE_SIZE_OPTIONS);
  register(server, { identity, hostCertPem, hostCertDer });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(unixTarget(socketPath), serverCredentials(identity, hostCertPem), (err) => (err ? reject(err) : resolve()));
  });

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.once('SIGTERM', () => stop(0));
  process.once('SIGINT', () => stop(0));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  watchParent(() => stop(0));

  process.stdout.write(
    `${formatHandshakeLine({ appVersion: APP_PROTOCOL_VERSION, network: 'unix', address: socketPath, protocol: 'grpc', serverCertDer: identity.certDer })}\n`,
  );
}

/**
 * The server keeps our stdin open as a pipe and never writes to it; when it
 * closes, the server is gone and a plugin left behind would serve no one.
 * Only a pipe or socket is watched: a terminal or /dev/null means no parent
 * signals us that way.
 */
function watchParent(onGone: () => void): void {
  let stat;
  try {
    stat = fstatSync(0);
  } catch {
    return;
  }
  if (!stat.isFIFO() && !stat.isSocket()) return;
  process.stdin.on('end', onGone);
  process.stdin.on('error', onGone);
  process.stdin.resume();
}
