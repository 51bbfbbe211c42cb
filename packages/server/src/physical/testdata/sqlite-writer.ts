/**
 * Crash-test fixture: writes keys to the sqlite storage in `argv[2]` forever
 * and prints each key on stdout only after its write was acknowledged.
 * Even steps are single puts, odd steps are two-key transactions (both keys
 * printed on one line). The parent kills it with SIGKILL mid-stream.
 */
import { silentLogger } from '@coffer/sdk';
import { openSqlite } from '../sqlite.js';
import { crashValue } from './crash-value.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: sqlite-writer.ts DIR\n');
  process.exit(2);
}

const storage = await openSqlite({ path: dir }, silentLogger);
for (let i = 0; ; i++) {
  if (i % 2 === 0) {
    const key = `crash/${i}`;
    await storage.put({ key, value: crashValue(key) });
    process.stdout.write(`${key}\n`);
  } else {
    const a = `crash/txn-${i}/a`;
    const b = `crash/txn-${i}/b`;
    await storage.transaction([
      { op: 'put', entry: { key: a, value: crashValue(a) } },
      { op: 'put', entry: { key: b, value: crashValue(b) } },
    ]);
    process.stdout.write(`${a} ${b}\n`);
  }
}
