import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isCofferError, isTransactional, silentLogger } from '@coffer/sdk';
import { describeStorageConformance } from './conformance.js';
import { FileBackend, openFile } from './file.js';

const tempDir = (): string => fs.mkdtempSync(join(os.tmpdir(), 'coffer-file-'));
const removeDir = async (dir: string): Promise<void> => fs.rmSync(dir, { recursive: true, force: true });

describeStorageConformance('file', async () => {
  const dir = tempDir();
  const open = () => openFile({ path: dir }, silentLogger);
  return { storage: await open(), reopen: open, cleanup: () => removeDir(dir) };
});

/** Every file under dir, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1))
    .sort();
}

const isInvalidRequest = (err: unknown): boolean => isCofferError(err) && err.code === 'invalid_request';

describe('file storage specifics', () => {
  const withStore = (title: string, body: (s: FileBackend, dir: string) => Promise<void>) =>
    it(title, async () => {
      const dir = tempDir();
      try {
        await body(await openFile({ path: dir }, silentLogger), dir);
      } finally {
        await removeDir(dir);
      }
    });

  withStore('uses Vault’s layout: folders are directories, leaves are "_"-prefixed JSON files', async (s, dir) => {
    await s.put({ key: 'foo/bar/baz', value: Buffer.from([0, 1, 2, 255]) });
    await s.put({ key: 'foo', value: Buffer.from('leaf and folder') });
    assert.deepEqual(filesUnder(dir), ['_foo', 'foo/bar/_baz']);
    const doc = JSON.parse(fs.readFileSync(join(dir, 'foo/bar/_baz'), 'utf8'));
    assert.deepEqual(doc, { Key: 'foo/bar/baz', Value: Buffer.from([0, 1, 2, 255]).toString('base64') });
    assert.equal(fs.statSync(join(dir, 'foo/bar/_baz')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(join(dir, 'foo/bar')).mode & 0o777, 0o700);
    assert.ok(!isTransactional(s), 'the file backend does not claim transactions');
  });

  withStore('reads files written by Vault (only "Value", Go encoder newline, null for empty)', async (s, dir) => {
    fs.mkdirSync(join(dir, 'core'), { recursive: true });
    fs.writeFileSync(join(dir, 'core/_seal-config'), `{"Value":"${Buffer.from('sealed').toString('base64')}"}\n`);
    fs.writeFileSync(join(dir, 'core/_empty'), '{"Value":null}\n');
    assert.deepEqual((await s.get('core/seal-config'))?.value, Buffer.from('sealed'));
    assert.equal((await s.get('core/empty'))?.value.length, 0);
    assert.deepEqual(await s.list('core/'), ['empty', 'seal-config']);
  });

  withStore('a damaged entry file gives an error naming the file, not garbage', async (s, dir) => {
    fs.writeFileSync(join(dir, '_broken'), 'not json');
    await assert.rejects(s.get('broken'), (err: Error) => err.message.includes(join(dir, '_broken')));
  });

  withStore('refuses keys that would escape the directory', async (s, dir) => {
    const outside = join(dir, '..', `escaped-${process.pid}`);
    for (const key of ['../x', 'a/../../x', '..', 'a/..', './a', 'a/./b', '/etc/passwd', 'nul\0byte']) {
      await assert.rejects(s.put({ key, value: Buffer.from('x') }), isInvalidRequest, `put ${JSON.stringify(key)}`);
      await assert.rejects(s.get(key), isInvalidRequest, `get ${JSON.stringify(key)}`);
      await assert.rejects(s.delete(key), isInvalidRequest, `delete ${JSON.stringify(key)}`);
    }
    for (const prefix of ['../', '/', 'a/../', '..']) {
      await assert.rejects(s.list(prefix), isInvalidRequest, `list ${JSON.stringify(prefix)}`);
    }
    assert.ok(!fs.existsSync(outside));
    assert.ok(!fs.existsSync(join(dir, '..', '_x')));
    assert.deepEqual(filesUnder(dir), []);
    // "..." is an ordinary name, not a parent reference.
    await s.put({ key: 'dots/.../x', value: Buffer.from('ok') });
    assert.deepEqual(await s.list('dots/'), ['.../']);
  });

  withStore('refuses keys its layout cannot hold, and finds nothing at them', async (s) => {
    for (const key of ['a//b', 'trailing/', '/']) {
      await assert.rejects(s.put({ key, value: Buffer.from('x') }), isInvalidRequest, key);
    }
    await s.put({ key: 'a/b', value: Buffer.from('x') });
    assert.equal(await s.get('a/b/'), null, 'a trailing slash does not alias the leaf');
    assert.equal(await s.get('a//b'), null);
    await s.delete('a/b/');
    assert.ok(await s.get('a/b'));
    assert.deepEqual(await s.list('a//'), []);
  });

  withStore('a leaf "x" and a folder "_x/" clash on disk: a clear error, nothing broken', async (s) => {
    await s.put({ key: 'a', value: Buffer.from('leaf') });
    await assert.rejects(
      s.put({ key: '_a/b', value: Buffer.from('x') }),
      (err: unknown) => isInvalidRequest(err) && /clashes/.test((err as Error).message),
    );
    await s.put({ key: '_c/d', value: Buffer.from('x') });
    await assert.rejects(s.put({ key: 'c', value: Buffer.from('leaf') }), isInvalidRequest);
    assert.equal(await s.get('c'), null);
    await s.delete('c');
    assert.deepEqual(await s.list(''), ['_c/', 'a']);
  });

  withStore('deletes remove now-empty parent directories, but not the root or busy ones', async (s, dir) => {
    await s.put({ key: 'a/b/c/d', value: Buffer.from('1') });
    await s.put({ key: 'a/keep', value: Buffer.from('2') });
    await s.delete('a/b/c/d');
    assert.ok(!fs.existsSync(join(dir, 'a/b')), 'a/b/c and a/b are gone');
    assert.ok(fs.existsSync(join(dir, 'a/_keep')));
    await s.delete('a/keep');
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.ok(fs.statSync(dir).isDirectory(), 'the root stays');
  });

  withStore('writes leave no temp files behind and ignore stale ones', async (s, dir) => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.put({ key: 'k/same', value: Buffer.from(`v${i}`) })));
    assert.deepEqual(filesUnder(dir), ['k/_same']);
    fs.writeFileSync(join(dir, 'k', '.tmp-left-by-a-crash'), 'partial');
    assert.deepEqual(await s.list('k/'), ['same']);
  });

  it('opens: creates the directory; refuses a missing path or a path that is a file', async () => {
    const base = tempDir();
    try {
      const nested = join(base, 'x', 'y');
      const s = await openFile({ path: nested }, silentLogger);
      await s.put({ key: 'k', value: Buffer.from('v') });
      assert.ok(fs.existsSync(join(nested, '_k')));
      await assert.rejects(openFile({}, silentLogger), (err: Error) => isInvalidRequest(err) && /"path"/.test(err.message));
      fs.writeFileSync(join(base, 'plain-file'), '');
      await assert.rejects(
        openFile({ path: join(base, 'plain-file') }, silentLogger),
        (err: Error) => /not a directory/.test(err.message) && err.message.includes('plain-file'),
      );
    } finally {
      await removeDir(base);
    }
  });
});
