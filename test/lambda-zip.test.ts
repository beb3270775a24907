/** The deployment package reader: stored and deflated entries, permissions, unsafe paths. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip, readZip, ZipError } from '../src/services/lambda/zip.js';
import { crc32, zip } from './lambda-zip.js';

test('reads deflated entries with their Unix modes and extracts them', () => {
  const buf = zip({ 'index.js': 'exports.handler = 1;', 'lib/deep/util.js': 'x'.repeat(5000), bootstrap: '#!/bin/sh\n' }, { bootstrap: 0o755 });
  const entries = readZip(buf);
  assert.deepEqual(entries.map((e) => [e.name, e.data.length, e.mode]), [['index.js', 20, 0o644], ['lib/deep/util.js', 5000, 0o644], ['bootstrap', 10, 0o755]]);
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-zip-'));
  try {
    assert.equal(extractZip(buf, dir), 5030);
    assert.equal(readFileSync(join(dir, 'lib/deep/util.js'), 'utf8'), 'x'.repeat(5000));
    assert.equal(statSync(join(dir, 'bootstrap')).mode & 0o111, 0o111);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads stored entries and tolerates bytes prepended to the archive', () => {
  const data = Buffer.from('stored content');
  const name = Buffer.from('a.txt');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const body = Buffer.concat([local, name, data]);
  const cd = Buffer.concat([central, name]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(body.length, 16);
  const archive = Buffer.concat([Buffer.from('#!/bin/sh stub\n'), body, cd, end]);
  assert.equal(readZip(archive)[0].data.toString(), 'stored content');
});

test('refuses garbage and entries that escape the package folder', () => {
  assert.throws(() => readZip(Buffer.from('definitely not a zip file, just text')), ZipError);
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-zip-'));
  try {
    assert.throws(() => extractZip(zip({ '../escape.js': 'x' }), dir), { message: 'Zip entry ../escape.js points outside the package' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
