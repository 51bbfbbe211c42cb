import { CORE_PROTOCOL_VERSION } from './constants.js';

/**
 * The one line a plugin prints on stdout once it listens:
 * `core-version|app-version|network|address|protocol|server-cert`
 * e.g. `1|1|unix|/tmp/coffer-plugin-x/plugin.sock|grpc|MIIB...` where the
 * certificate is the base64 (standard alphabet, padding optional) of its DER.
 */
export interface Handshake {
  coreVersion: number;
  appVersion: number;
  network: string;
  address: string;
  protocol: string;
  serverCertDer: Buffer;
}

export function formatHandshakeLine(h: Omit<Handshake, 'coreVersion'> & { coreVersion?: number }): string {
  return [h.coreVersion ?? CORE_PROTOCOL_VERSION, h.appVersion, h.network, h.address, h.protocol, h.serverCertDer.toString('base64')].join('|');
}

/** Parses a handshake line; throws an Error saying what is wrong with it. */
export function parseHandshakeLine(line: string): Handshake {
  const parts = line.trim().split('|');
  if (parts.length < 4) {
    throw new Error('expected "core-version|app-version|network|address|protocol|server-cert"');
  }
  const [core, app, network, address, protocol = '', cert = ''] = parts;
  const coreVersion = parseVersion(core!, 'core protocol version');
  const appVersion = parseVersion(app!, 'application protocol version');
  if (address === '') throw new Error('the address field is empty');
  const serverCertDer = cert === '' ? Buffer.alloc(0) : Buffer.from(cert, 'base64');
  if (cert !== '' && !/^[A-Za-z0-9+/]+={0,2}$/.test(cert)) throw new Error('the server certificate is not base64');
  return { coreVersion, appVersion, network: network!, address: address!, protocol, serverCertDer };
}

function parseVersion(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`the ${what} "${text.slice(0, 20)}" is not a number`);
  return Number(text);
}
