import net from 'node:net';
import { invalidRequest } from '@coffer/sdk';

export interface HostPort {
  /** Empty means every interface, like Go's ":8200". */
  host: string;
  port: number;
}

/** Parses a listener address as Vault writes it: "127.0.0.1:8200", "[::1]:8200", ":8200", "localhost:0". */
export function parseListenAddress(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon === -1) {
    throw invalidRequest(`listener address "${address}" has no port; write it as host:port, for example 127.0.0.1:8200`);
  }
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) {
    throw invalidRequest(`listener address "${address}": put an IPv6 address in brackets, for example [::1]:8200`);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw invalidRequest(`listener address "${address}": the port must be a number from 0 to 65535`);
  }
  return { host, port };
}

/** host:port with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
