import { configError } from './errors.js';
import type { FileContext } from './file-context.js';
import { labeledBlocks, type LabeledBlock } from './stanza.js';
import type { DeclaredPluginConfig, DeclaredPluginType } from './types.js';
import { readString, type SettingRef } from './values.js';

const TYPES: readonly DeclaredPluginType[] = ['secret', 'auth', 'database'];

/**
 * `plugin "TYPE" "NAME" { command, version, sha256, args, env }` (or `image`
 * and `binary_name` instead of command, to pull the binary): plugins the
 * server registers (or updates) in its catalog at every unseal, as OpenBao's
 * declarative plugins do. A mistake in the stanza itself (unknown type, a
 * sha256 that is not 64 hex digits) is a config error like any other; a file
 * that is missing or does not match is found at unseal and only reported.
 */
export function parsePluginStanzas(value: unknown, ctx: FileContext): DeclaredPluginConfig[] {
  const out: DeclaredPluginConfig[] = [];
  for (const typeBlock of labeledBlocks(value, 'plugin', ctx)) {
    const type = typeBlock.ref.label;
    if (!(TYPES as readonly string[]).includes(type)) {
      throw configError(ctx.file, typeBlock.ref.line(), `plugin "${type}" is not a plugin type: write plugin "secret" "NAME" { … } (or "auth", "database")`);
    }
    for (const block of namedBlocks(typeBlock, ctx)) out.push(readDeclaration(type as DeclaredPluginType, block, ctx));
  }
  return out;
}

/** The `"NAME" { … }` blocks inside one `plugin "TYPE"`, each remembering where the whole stanza starts. */
function namedBlocks(typeBlock: LabeledBlock, ctx: FileContext): LabeledBlock[] {
  const shapeError = (): never => {
    throw configError(ctx.file, typeBlock.ref.line(), `plugin "${typeBlock.ref.label}" needs a name too: write plugin "${typeBlock.ref.label}" "NAME" { command = "…" sha256 = "…" }`);
  };
  const blocks: LabeledBlock[] = [];
  for (const [name, inner] of Object.entries(typeBlock.body)) {
    const bodies = Array.isArray(inner) ? inner : [inner];
    for (const body of bodies) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) shapeError();
      blocks.push({ ref: { name: `plugin "${typeBlock.ref.label}"`, label: name, line: typeBlock.ref.line }, body: body as Record<string, unknown> });
    }
  }
  if (blocks.length === 0) shapeError();
  return blocks;
}

function readDeclaration(type: DeclaredPluginType, block: LabeledBlock, ctx: FileContext): DeclaredPluginConfig {
  const name = block.ref.label;
  const where = `plugin "${type}" "${name}"`;
  const ref = (key: string): SettingRef => ({ file: ctx.file, label: `"${key}" in ${where}`, line: () => ctx.locator.keyInBlock(block.ref.line(), key) });
  const declared: DeclaredPluginConfig = { type, name, command: name, version: '', sha256: '', args: [], env: [], sourceFile: ctx.file };
  const line = block.ref.line();
  if (line !== undefined) declared.line = line;

  for (const [key, v] of Object.entries(block.body)) {
    switch (key) {
      case 'command':
        declared.command = readString(v, ref(key)).trim();
        break;
      case 'version':
        declared.version = readString(v, ref(key)).trim();
        break;
      case 'sha256':
      case 'sha256sum': // OpenBao's spelling
        declared.sha256 = readSha256(v, ref(key));
        break;
      case 'args':
        declared.args = readStringList(v, ref(key));
        break;
      case 'env':
        declared.env = readEnv(v, ref(key));
        break;
      case 'image':
        declared.image = readString(v, ref(key)).trim();
        break;
      case 'binary_name':
        declared.binaryName = readString(v, ref(key)).trim();
        break;
      case 'runtime':
        declared.runtime = readString(v, ref(key)).trim();
        break;
      default:
        ctx.warn(ref(key).line(), `unknown key ${ref(key).label} is ignored`);
    }
  }
  if (declared.image !== undefined && block.body['command'] !== undefined) {
    ctx.warn(ref('command').line(), `"command" in ${where} is ignored: the binary pulled from image is kept in plugin_directory/.oci-cache/`);
  }
  if (declared.sha256 === '') {
    throw configError(ctx.file, line, `${where} has no sha256: set sha256 = "<hex SHA-256 of the binary>" (as printed by sha256sum)`);
  }
  if (declared.command === '') throw configError(ctx.file, ref('command').line(), `"command" in ${where} is empty: give the binary's file name inside plugin_directory`);
  return declared;
}

function readSha256(value: unknown, ref: SettingRef): string {
  const hex = readString(value, ref).trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw configError(ref.file, ref.line(), `${ref.label} must be 64 hexadecimal digits, as printed by sha256sum`);
  return hex;
}

function readStringList(value: unknown, ref: SettingRef): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => readString(item, ref));
}

/** `env = ["KEY=value", …]` as the catalog API takes it, or `env = { KEY = "value" }`. Values are never repeated in errors. */
function readEnv(value: unknown, ref: SettingRef): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const maps = isMap(value) ? [value] : Array.isArray(value) && value.length > 0 && value.every(isMap) ? value : undefined;
  const entries = maps
    ? maps.flatMap((m) => Object.entries(m).map(([k, v]) => `${k}=${readString(v, { ...ref, label: `"${k}" of ${ref.label}` })}`))
    : readStringList(value, ref);
  entries.forEach((entry, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) throw configError(ref.file, ref.line(), `entry ${i + 1} of ${ref.label} is not of the form KEY=value`);
  });
  return entries;
}
