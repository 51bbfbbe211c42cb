// Everything a client writes is encrypted by the barrier before it reaches
// disk: secrets written over HTTP, the root token and the unseal key never
// appear in the bytes of the durable storage backends (sqlite with its WAL,
// and the file backend), while the data is really there (a restarted server
// reads it back after unsealing).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@coffer/sdk';
import { createPhysical } from '@coffer/server/physical/index.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

/** Distinctive values, so that a match can only be a leak. */
const KV2_SECRET = 'AtRestKv2SecretValue9f3e1c7a';
const KV1_SECRET = 'AtRestKv1SecretValue2b8d4e6f';
const CUBBY_SECRET = 'AtRestCubbyholeValue5a7c9e1b';
const META_SECRET = 'AtRestCustomMetadata4d6f8a0c';

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The needle in the encodings a careless store could use: as is, UTF-16, base64 and hex. */
function encodings(needle: string | Buffer): Buffer[] {
  const raw = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
  const forms = [raw, Buffer.from(raw.toString('base64')), Buffer.from(raw.toString('hex'))];
  if (typeof needle === 'string') forms.push(Buffer.from(needle, 'utf16le'));
  return forms;
}

function assertNowhere(files: string[], what: string, needle: string | Buffer): void {
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const form of encodings(needle)) {
      assert.equal(bytes.indexOf(form), -1, `${what} found in clear in ${path.basename(file)}`);
    }
  }
}

function anywhere(files: string[], needle: string): boolean {
  return files.some((f) => fs.readFileSync(f).includes(Buffer.from(needle, 'utf8')));
}

interface Written {
  rootToken: string;
  childToken: string;
  unsealKey: string;
}

/** Writes secrets of every kind through HTTP; returns the tokens and key that must not reach disk. */
async function writeSecrets(server: InProcessServer): Promise<Written> {
  const ok = (res: { status: number; body: unknown }, status: number): void => assert.equal(res.status, status, JSON.stringify(res.body));
  ok(await server.request('POST', 'secret/data/app/db', { data: { password: KV2_SECRET } }), 200);
  ok(await server.request('POST', 'secret/metadata/app/db', { custom_metadata: { note: META_SECRET } }), 204);
  ok(await server.request('POST', 'sys/mounts/plain', { type: 'kv' }), 204);
  ok(await server.request('POST', 'plain/app/db', { password: KV1_SECRET }), 204);
  ok(await server.request('POST', 'cubbyhole/mine', { value: CUBBY_SECRET }), 204);
  const child = await server.request('POST', 'auth/token/create', { policies: ['default'] });
  ok(child, 200);
  return { rootToken: server.rootToken, childToken: child.body.auth.client_token, unsealKey: server.unsealKey };
}

function assertNothingInClear(files: string[], w: Written): void {
  assert.ok(files.length > 0, 'no storage files to inspect');
  assertNowhere(files, 'the kv v2 secret', KV2_SECRET);
  assertNowhere(files, 'the kv v1 secret', KV1_SECRET);
  assertNowhere(files, 'the cubbyhole secret', CUBBY_SECRET);
  assertNowhere(files, 'the custom metadata', META_SECRET);
  assertNowhere(files, 'the root token', w.rootToken);
  assertNowhere(files, 'the root token (without its prefix)', w.rootToken.replace(/^hvs\./, ''));
  assertNowhere(files, 'the child token', w.childToken);
  assertNowhere(files, 'the unseal key', w.unsealKey);
  assertNowhere(files, 'the unseal key bytes', Buffer.from(w.unsealKey, 'base64'));
}

/** A server on reopened storage, unsealed with the key: it must read back what was written. */
async function assertReadBack(server: InProcessServer, w: Written): Promise<void> {
  assert.equal(server.core.isSealed(), true);
  await server.core.seal.submitUnsealKey({ key: w.unsealKey });
  server.rootToken = w.rootToken;
  const kv2 = await server.request('GET', 'secret/data/app/db');
  assert.equal(kv2.status, 200, JSON.stringify(kv2.body));
  assert.equal(kv2.body.data.data.password, KV2_SECRET);
  assert.equal(kv2.body.data.metadata.custom_metadata.note, META_SECRET);
  assert.equal((await server.request('GET', 'plain/app/db')).body.data.password, KV1_SECRET);
  assert.equal((await server.request('GET', 'cubbyhole/mine')).body.data.value, CUBBY_SECRET);
  assert.equal((await server.request('GET', 'auth/token/lookup-self', undefined, { token: w.childToken })).status, 200);
}

describe('barrier at rest: sqlite', () => {
  test('no secret, token or key in coffer.db or its WAL, before and after close; the data reads back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-at-rest-sqlite-'));
    try {
      const physical = await createPhysical('sqlite', { path: dir }, silentLogger);
      const server = await startInProcessServer({ physical, storageType: 'sqlite' });
      let written: Written;
      try {
        written = await writeSecrets(server);
        // While the server runs, recent writes live in the WAL.
        const live = filesUnder(dir);
        assert.ok(live.some((f) => f.endsWith('coffer.db-wal')), `no WAL file among ${live.map((f) => path.basename(f)).join(', ')}`);
        // Control: storage keys are not encrypted (as in Vault), so the search does see the data.
        assert.ok(anywhere(live, 'core/mounts'), 'the search cannot see the stored keys');
        assertNothingInClear(live, written);
      } finally {
        await server.close();
      }
      const closed = filesUnder(dir);
      assertNothingInClear(closed, written);

      const reopened = await startInProcessServer({ dev: false, physical: await createPhysical('sqlite', { path: dir }, silentLogger), storageType: 'sqlite' });
      try {
        await assertReadBack(reopened, written);
      } finally {
        await reopened.close();
      }
      assertNothingInClear(filesUnder(dir), written);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('barrier at rest: file', () => {
  test('no secret, token or key in any file of the file backend; the data reads back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-at-rest-file-'));
    try {
      const server = await startInProcessServer({ physical: await createPhysical('file', { path: dir }, silentLogger), storageType: 'file' });
      let written: Written;
      try {
        written = await writeSecrets(server);
      } finally {
        await server.close();
      }
      const files = filesUnder(dir);
      // Control: the layout is Vault's, one file per key, so the data is there to be searched.
      assert.ok(files.some((f) => f.includes(`${path.sep}logical${path.sep}`)), 'no mount data on disk');
      assert.ok(files.length > 10, `only ${files.length} files`);
      assertNothingInClear(files, written);
      // File names are storage keys: none may hold a secret or a token either.
      for (const f of files) {
        for (const needle of [KV2_SECRET, KV1_SECRET, CUBBY_SECRET, written.rootToken.replace(/^hvs\./, ''), written.childToken.replace(/^hvs\./, '')]) {
          assert.ok(!f.includes(needle), `a file name holds a secret: ${f}`);
        }
      }

      const reopened = await startInProcessServer({ dev: false, physical: await createPhysical('file', { path: dir }, silentLogger), storageType: 'file' });
      try {
        await assertReadBack(reopened, written);
      } finally {
        await reopened.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
