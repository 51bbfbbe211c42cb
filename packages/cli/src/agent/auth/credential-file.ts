// Reads a credential file (role ID, secret ID, token, JWT, password) and
// trims it, with a message that names the file but never its contents.
import { readFile, rm } from 'node:fs/promises';

export async function readCredentialFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} file "${path}": ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`);
  }
  const value = text.trim();
  if (value === '') throw new Error(`${what} file "${path}" is empty`);
  return value;
}

/** Removes a consumed credential file; a file already gone is fine. */
export async function removeCredentialFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
