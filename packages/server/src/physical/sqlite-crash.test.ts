import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { silentLogger } from '@coffer/sdk';
import { openSqlite, SQLITE_FILE_NAME } from './sqlite.js';
import { crashValue } from './testdata/crash-value.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const writer = fileURLToPath(new URL('./testdata/sqlite-writer.ts', import.meta.url));
const ACKS_BEFORE_KILL = 400;

/**
 * Every write the sqlite storage acknowledged must survive the process being
 * killed mid-stream, and the database must come back intact.
 */
test('sqlite: acknowledged writes survive SIGKILL and the database stays intact', async () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-crash-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lines = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const killedMidStream = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`writer acknowledged only ${lines} writes in 30s; stderr:\n${stderr}`));
      }, 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        lines = stdout.split('\n').length - 1;
        if (lines >= ACKS_BEFORE_KILL && child.exitCode === null && !child.killed) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        if (lines < ACKS_BEFORE_KILL) reject(new Error(`writer exited early after ${lines} writes; stderr:\n${stderr}`));
      });
    });
    await killedMidStream;
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL', 'the writer was killed, not finished');

    // Only complete lines were acknowledged; a torn last line is ignored.
    const acked = stdout.split('\n').slice(0, -1).flatMap((line) => line.split(' '));
    assert.ok(acked.length >= ACKS_BEFORE_KILL);

    const file = join(dir, SQLITE_FILE_NAME);
    const raw = new Database(file);
    try {
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      raw.close();
    }

    const storage = await openSqlite({ path: dir }, silentLogger);
    try {
      for (const key of acked) {
        const entry = await storage.get(key);
        assert.ok(entry, `acknowledged key ${key} is missing after the crash`);
        assert.ok(entry.value.equals(crashValue(key)), `acknowledged key ${key} has the wrong value after the crash`);
      }
      // Transactions are all-or-nothing even for the one in flight at the kill.
      for (const folder of await storage.list('crash/')) {
        if (!folder.startsWith('txn-')) continue;
        assert.deepEqual(await storage.list(`crash/${folder}`), ['a', 'b'], `transaction ${folder} is torn`);
      }
    } finally {
      await storage.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
