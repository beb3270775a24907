/**
 * IP address handling as AWS's matcher does it: an address is only recognised when it looks
 * like a dotted quad or contains a colon (hex digits and colons only), and it is compared as
 * its 4- or 16-byte value written in upper-case hex.
 */
import { RuleArgumentError } from './errors.js';

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX = '0123456789ABCDEF';

export interface IpRange {
  lo: string;
  hi: string;
}

/** The address as hex, or undefined when it is not a literal AWS accepts. */
export function ipToHex(text: string): string | undefined {
  const bytes = ipToBytes(text);
  return bytes && toHex(bytes);
}

/** Like ipToHex, but with AWS's error for a CIDR base address. */
function requireIpBytes(text: string): number[] {
  if (!IPV4.test(text) && !IPV6.test(text)) throw new RuleArgumentError(`Nonstandard IP address: ${text}`);
  const bytes = ipToBytes(text);
  if (!bytes) throw new RuleArgumentError(`Invalid IP address: ${text}`);
  return bytes;
}

/** Parses `cidr` (base/mask) the way AWS does; the range starts at the base address as given. */
export function parseCidr(cidr: string): IpRange {
  const parts = javaSplitSlash(cidr);
  if (parts.length !== 2) throw new RuleArgumentError("Malformed CIDR, one '/' required");
  if (!/^[+-]?[0-9]+$/.test(parts[1]) || Math.abs(Number(parts[1])) > 2147483647) {
    throw new RuleArgumentError('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(parts[1]);
  if (maskBits < 0) throw new RuleArgumentError('Malformed CIDR, mask bits must not be negative');
  const base = requireIpBytes(parts[0]);
  if (base.length === 4 && maskBits > 31) throw new RuleArgumentError('IPv4 mask bits must be < 32');
  if (base.length === 16 && maskBits > 127) throw new RuleArgumentError('IPv6 mask bits must be < 128');
  let hostBits = base.length * 8 - maskBits;
  const top = base.slice();
  for (let i = top.length - 1; i >= 0; i--) {
    if (hostBits >= 8) top[i] = 0xff;
    else if (hostBits > 0) top[i] = top[i] | ((1 << hostBits) - 1);
    hostBits -= 8;
  }
  return { lo: toHex(base), hi: toHex(top) };
}

function ipToBytes(text: string): number[] | undefined {
  if (IPV4.test(text)) return parseV4(text);
  if (IPV6.test(text)) return parseV6(text);
  return undefined;
}

function parseV4(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split('.')) {
    if (part.length > 10) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups = head.length + tail.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const words: number[] = [];
  for (const g of head) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    words.push(parseInt(g, 16));
  }
  for (let i = groups; i < 8; i++) words.push(0);
  for (const g of tail) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    words.push(parseInt(g, 16));
  }
  const out: number[] = [];
  for (const w of words) out.push(w >> 8, w & 0xff);
  return out;
}

function toHex(bytes: number[]): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4] + HEX[b & 0x0f];
  return s;
}

/** Java's `String.split("/")`: trailing empty strings are dropped. */
function javaSplitSlash(s: string): string[] {
  if (!s.includes('/')) return [s];
  const parts = s.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
