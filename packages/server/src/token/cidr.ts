import { BlockList, isIP } from 'node:net';
import { CofferError } from '@coffer/sdk';

/** Validate CIDR blocks or single addresses; returns them trimmed. Throws invalid_request naming the bad one. */
export function parseCidrs(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    if (!parseOne(item)) throw new CofferError('invalid_request', `invalid CIDR block or IP address "${item}"`);
    out.push(item);
  }
  return out;
}

/** Whether `remoteAddress` falls in one of the blocks; an unknown address never does. */
export function cidrsAllow(cidrs: readonly string[], remoteAddress: string | undefined): boolean {
  if (cidrs.length === 0) return true;
  if (!remoteAddress) return false;
  const address = normalizeAddress(remoteAddress);
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const block = parseOne(cidr);
    if (!block) continue;
    if (block.prefix === undefined) list.addAddress(block.address, block.family);
    else list.addSubnet(block.address, block.prefix, block.family);
  }
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function parseOne(item: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = item.split('/');
  if (extra !== undefined) return null;
  const kind = isIP(address);
  if (kind === 0) return null;
  const family = kind === 6 ? 'ipv6' : 'ipv4';
  if (prefixText === undefined) return { address, family };
  if (!/^\d+$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (kind === 6 ? 128 : 32)) return null;
  return { address, prefix, family };
}

/** Node reports IPv4 clients of a dual-stack socket as "::ffff:1.2.3.4". */
function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
