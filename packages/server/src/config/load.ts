import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidRequest } from '@coffer/sdk';
import { finalizeConfig, mergeFragments } from './merge.js';
import { parseConfigFragment } from './parse.js';
import type { ConfigFragment, ServerConfig } from './types.js';

/**
 * Loads the server config from files and directories (`-config` may be given
 * several times, as in Vault). A directory contributes its *.hcl and *.json
 * files, in name order, not its subdirectories. Later files win for single
 * settings; listeners and seals add up.
 */
export async function loadConfig(paths: string[]): Promise<{ config: ServerConfig; warnings: string[] }> {
  let merged: ConfigFragment = { seals: [], listeners: [] };
  const warnings: string[] = [];
  for (const file of await configFiles(paths)) {
    const text = await readText(file);
    const parsed = parseConfigFragment(text, file);
    merged = mergeFragments(merged, parsed.fragment);
    warnings.push(...parsed.warnings);
  }
  return { config: finalizeConfig(merged), warnings };
}

async function configFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (err) {
      throw invalidRequest(`cannot read config path "${p}": ${describeFsError(err)}`);
    }
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const entries = await readdir(p, { withFileTypes: true });
    const names = entries
      .filter((e) => !e.isDirectory() && /\.(hcl|json)$/.test(e.name) && !isEditorTempFile(e.name))
      .map((e) => e.name)
      .sort();
    files.push(...names.map((n) => path.join(p, n)));
  }
  return files;
}

/** Backup and lock files editors leave behind (Vault skips the same ones). */
function isEditorTempFile(name: string): boolean {
  return name.endsWith('~') || name.startsWith('.#') || (name.startsWith('#') && name.endsWith('#'));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw invalidRequest(`cannot read config file "${file}": ${describeFsError(err)}`);
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}
