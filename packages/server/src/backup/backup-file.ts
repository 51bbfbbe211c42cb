import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CofferError, type StorageEntry } from '@coffer/sdk';

/** What a backup says about itself (its first line). */
export interface BackupHeader {
  coffer_backup: 1;
  created: string;
  storage_type: string;
}

/**
 * A backup file: gzip of JSON lines — the header, one `{"k","v"}` line per
 * entry (the value as stored: barrier ciphertext, base64), and a trailer with
 * the number of entries and the SHA-256 of every line before it. Nothing in
 * it is decrypted; restoring it needs the same unseal (or recovery) keys.
 */
export async function writeBackup(header: Omit<BackupHeader, 'coffer_backup'>, entries: AsyncIterable<StorageEntry>, onEntry?: (count: number) => void): Promise<Buffer> {
  const hash = createHash('sha256');
  const lines: Buffer[] = [];
  const add = (value: unknown): void => {
    const line = Buffer.from(JSON.stringify(value) + '\n', 'utf8');
    hash.update(line);
    lines.push(line);
  };
  add({ coffer_backup: 1, ...header } satisfies BackupHeader);
  let count = 0;
  for await (const entry of entries) {
    add({ k: entry.key, v: Buffer.from(entry.value).toString('base64') });
    count++;
    onEntry?.(count);
  }
  lines.push(Buffer.from(JSON.stringify({ entries: count, sha256: hash.digest('hex') }) + '\n', 'utf8'));
  return gzipSync(Buffer.concat(lines));
}

/** Reads and checks a backup completely (checksum and count) before anything is restored from it. */
export function readBackup(file: Buffer): { header: BackupHeader; entries: StorageEntry[] } {
  let text: string;
  try {
    text = gunzipSync(file).toString('utf8');
  } catch {
    throw new CofferError('invalid_request', 'this is not a Coffer backup: it is not gzip data (was the file truncated?)');
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length < 2) throw new CofferError('invalid_request', 'the backup is incomplete: it has no trailer');
  const trailerLine = lines.pop()!;
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  let trailer: { entries?: unknown; sha256?: unknown };
  let header: BackupHeader;
  try {
    trailer = JSON.parse(trailerLine) as typeof trailer;
    header = JSON.parse(lines[0]!) as BackupHeader;
  } catch {
    throw new CofferError('invalid_request', 'the backup is damaged: its first or last line is not JSON');
  }
  if (header.coffer_backup !== 1) throw new CofferError('invalid_request', 'this is not a Coffer backup (or a newer format than this version reads)');
  if (trailer.sha256 !== hash.digest('hex')) throw new CofferError('invalid_request', 'the backup is damaged: its checksum does not match its contents');
  const entries = lines.slice(1).map((line) => {
    const { k, v } = JSON.parse(line) as { k: string; v: string };
    return { key: k, value: Buffer.from(v, 'base64') };
  });
  if (trailer.entries !== entries.length) throw new CofferError('invalid_request', `the backup is damaged: it says ${String(trailer.entries)} entries but holds ${entries.length}`);
  return { header, entries };
}
