import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StorageEntry } from '@coffer/sdk';
import { readBackup, writeBackup } from './backup-file.js';

async function* entries(list: StorageEntry[]): AsyncGenerator<StorageEntry> {
  yield* list;
}

const sample: StorageEntry[] = [
  { key: 'core/keyring', value: Buffer.from([0, 1, 2, 255]) },
  { key: 'logical/abc/data', value: Buffer.from('ciphertext') },
];

test('a backup reads back entry for entry, with its header', async () => {
  const file = await writeBackup({ created: '2026-12-03T00:00:00.000Z', storage_type: 'sqlite' }, entries(sample));
  const { header, entries: read } = readBackup(file);
  assert.equal(header.storage_type, 'sqlite');
  assert.deepEqual(read.map((e) => [e.key, Buffer.from(e.value).toString('hex')]), sample.map((e) => [e.key, Buffer.from(e.value).toString('hex')]));
});

test('a changed, truncated or foreign file is refused before anything is restored', async () => {
  const file = await writeBackup({ created: 'now', storage_type: 'inmem' }, entries(sample));
  const lines = gunzipSync(file).toString().split('\n');
  lines[1] = lines[1]!.replace('"k":"core/keyring"', '"k":"core/keyrinG"');
  assert.throws(() => readBackup(gzipSync(Buffer.from(lines.join('\n')))), /checksum does not match/);
  assert.throws(() => readBackup(file.subarray(0, file.length - 8)), /not gzip data|truncated/);
  assert.throws(() => readBackup(Buffer.from('hello')), /not a Coffer backup/);
  const withoutTrailer = gunzipSync(file).toString().split('\n').slice(0, 2).join('\n');
  assert.throws(() => readBackup(gzipSync(Buffer.from(withoutTrailer))), /checksum|damaged/);
});
