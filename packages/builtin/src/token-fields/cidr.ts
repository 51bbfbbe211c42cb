import { BlockList, isIP } from 'node:net';
import { CofferError } from '@coffer/sdk';

/** One parsed CIDR block (a plain address is a block of one: /32 or /128). */
export interface CidrBlock {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Parse "10.0.0.0/8", "192.168.1.7" or "2001:db8::/32". Returns undefined
 * when the text is neither an address nor a CIDR block, so callers can word
 * the error for their own field.
 */
export function tryParseCidr(text: string): CidrBlock | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const rawAddress = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const address = unmapIpv4(rawAddress);
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const bits = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return undefined;
    prefix = Number(bits);
    if (prefix > max) return undefined;
  }
  return { address, prefix, family };
}

/**
 * Parse a list of CIDR blocks or addresses, refusing the request on the
 * first bad one. `field` names the parameter in the error message.
 */
export function parseCidrList(values: readonly string[], field: string): CidrBlock[] {
  const blocks: CidrBlock[] = [];
  for (const value of values) {
    if (value.trim() === '') continue;
    const block = tryParseCidr(value);
    if (!block) {
      throw new CofferError(
        'invalid_request',
        `invalid CIDR block or IP address in ${field}: ${JSON.stringify(value)}; use a form such as "10.0.0.0/8" or "192.168.1.7"`,
      );
    }
    blocks.push(block);
  }
  return blocks;
}

/** Vault renders a single-address block without its mask ("127.0.0.1"), a wider block as "addr/bits". */
export function formatCidr(block: CidrBlock): string {
  const max = block.family === 'ipv4' ? 32 : 128;
  return block.prefix === max ? block.address : `${block.address}/${block.prefix}`;
}

/** Parse and render in Vault's canonical form: what an auth method stores for token_bound_cidrs. */
export function normalizeCidrList(values: readonly string[], field: string): string[] {
  return parseCidrList(values, field).map(formatCidr);
}

/** Does the remote address fall inside any of the blocks? An unparsable address never does. */
export function addressInCidrs(remoteAddress: string, cidrs: readonly string[]): boolean {
  const address = unmapIpv4(remoteAddress.trim());
  const version = isIP(address);
  if (version === 0) return false;
  const list = blockListOf(cidrs.map((c) => tryParseCidr(c)).filter((b): b is CidrBlock => b !== undefined));
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Is every block of `inner` contained in some block of `outer`? A block is
 * inside another when it is at least as narrow and its address lies in it.
 */
export function cidrsAreSubset(outer: readonly string[], inner: readonly string[]): boolean {
  const outerBlocks = outer.map((c) => tryParseCidr(c)).filter((b): b is CidrBlock => b !== undefined);
  return inner.every((text) => {
    const block = tryParseCidr(text);
    if (!block) return false;
    return outerBlocks.some(
      (o) => o.family === block.family && block.prefix >= o.prefix && blockListOf([o]).check(block.address, block.family),
    );
  });
}

function blockListOf(blocks: readonly CidrBlock[]): BlockList {
  const list = new BlockList();
  for (const b of blocks) list.addSubnet(b.address, b.prefix, b.family);
  return list;
}

/** Node reports IPv4 clients of a dual-stack socket as "::ffff:a.b.c.d"; compare them as IPv4. */
function unmapIpv4(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}
