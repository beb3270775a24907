/**
 * Reads deployment packages: walks the zip's central directory (so data descriptors and
 * prepended bytes do not matter) and inflates each entry with node:zlib. Stored (0) and
 * deflated (8) entries are supported, as AWS's own tooling produces; anything else is refused.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix permission bits when the archive carries them (0 otherwise). */
  mode: number;
  directory: boolean;
}

export class ZipError extends Error {}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

function findEndOfCentralDirectory(buf: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65535 bytes at the very end.
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) if (buf.readUInt32LE(i) === EOCD_SIG) return i;
  throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
}

export function readZip(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
  const eocd = findEndOfCentralDirectory(buf);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported by Nimbus');
  // Bytes prepended to the archive (self-extracting stubs) shift every offset.
  const shift = eocd - cdSize - cdOffset;
  cdOffset += shift;
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH_SIG) throw new ZipError('Corrupt zip central directory');
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const method = buf.readUInt16LE(p + 10);
    const compSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42) + shift;
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen).replace(/\\/g, '/');
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LFH_SIG) throw new ZipError(`Corrupt zip entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compSize);
    const directory = name.endsWith('/');
    let data: Buffer;
    if (directory) data = Buffer.alloc(0);
    else if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw);
    else throw new ZipError(`Zip entry ${name} uses compression method ${method}; only stored and deflated entries are supported`);
    if (!directory && data.length !== size) throw new ZipError(`Zip entry ${name} is corrupt (size mismatch)`);
    entries.push({ name, data, mode: madeBy === 3 ? (external >>> 16) & 0o7777 : 0, directory });
  }
  return entries;
}

/** Writes the archive's files under `dir`; entries escaping `dir` are refused. Returns the unzipped size. */
export function extractZip(buf: Buffer, dir: string): number {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  let total = 0;
  for (const e of readZip(buf)) {
    const target = resolve(root, e.name);
    if (target !== root && !target.startsWith(root + sep)) throw new ZipError(`Zip entry ${e.name} points outside the package`);
    if (e.directory) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, e.data);
    // Lambda runs packages with their own permissions; a `bootstrap` must stay executable.
    if (e.mode & 0o111 || e.name === 'bootstrap') chmodSync(target, (e.mode & 0o777) | 0o755);
    total += e.data.length;
  }
  return total;
}
