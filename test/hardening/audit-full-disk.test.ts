// Issue 7, item 3: audit fail-closed on a full disk. A real full disk: a
// small tmpfs mounted for the test (root, as CI runs). A response is returned
// only once its audit entry is completely written; an entry cut short by the
// full disk fails the request and never corrupts the next entry.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'coffer-full-disk-'));
function mountTmpfs(): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    rmSync(mountPoint, { recursive: true, force: true });
    return `cannot mount a small tmpfs to fill (needs root): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}
const unavailable = mountTmpfs();
const skip = unavailable !== undefined && process.env['CI'] !== 'true' ? `${unavailable}; skipping` : false;

describe('issue 7 item 3: audit on a full disk', { skip }, () => {
  let s: InProcessServer;
  const auditFile = join(mountPoint, 'audit.log');
  const fillers: string[] = [];

  /** Fills the disk completely with 4 KiB files, then frees `keepFreeKiB`. */
  const fillDisk = (keepFreeKiB: number): void => {
    const page = Buffer.alloc(4096, 'f');
    for (let i = 0; ; i++) {
      const file = join(mountPoint, `filler-${fillers.length}`);
      try {
        writeFileSync(file, page);
        fillers.push(file);
      } catch {
        rmSync(file, { force: true });
        break;
      }
    }
    for (let i = 0; i < keepFreeKiB / 4; i++) unlinkSync(fillers.pop()!);
  };
  const freeDisk = (): void => {
    for (const f of fillers.splice(0)) unlinkSync(f);
  };

  before(async () => {
    s = await startInProcessServer();
    const res = await s.request('PUT', 'sys/audit/full', { type: 'file', options: { file_path: auditFile } });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    // A secret whose audited response is far larger than the space that will be left (each value is HMACed: ~80 bytes a key).
    const data = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`key-${i}`, `value-${i}`]));
    assert.equal((await s.request('PUT', 'secret/data/wide', { data })).status, 200);
  });
  after(async () => {
    await s?.close();
    try {
      execFileSync('umount', [mountPoint]);
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('a response whose audit entry is cut short is not returned; the log stays one JSON entry a line', async () => {
    fillDisk(8);
    assert.ok(statfsSync(mountPoint).bavail * statfsSync(mountPoint).bsize <= 12 * 1024);
    const read = await s.request('GET', 'secret/data/wide');
    assert.equal(read.status, 500, `the secret must not be returned without its audit entry: ${read.status}`);
    assert.ok(!JSON.stringify(read.body).includes('value-1'), 'no secret in the error');

    freeDisk();
    const after = await s.request('GET', 'secret/data/wide');
    assert.equal(after.status, 200, JSON.stringify(after.body).slice(0, 200));

    const lines = readFileSync(auditFile, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the log ends with a complete line');
    for (const [i, line] of lines.entries()) {
      assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1} of the audit log is not one JSON entry: ${line.slice(0, 80)}…`);
    }
    const responses = lines
      .map((l) => JSON.parse(l) as { type: string; error?: string; request: { path: string } })
      .filter((e) => e.type === 'response' && e.request.path === 'secret/data/wide');
    // the failed read may leave a short error entry (it fits where the full one did not), never its data
    assert.equal(responses.filter((e) => !e.error).length, 2, 'the write and the last read have complete response entries; the failed read has none');
  });
});
