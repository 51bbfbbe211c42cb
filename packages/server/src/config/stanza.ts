import { configError } from './errors.js';
import type { BlockRef, FileContext } from './file-context.js';
import { readBool } from './values.js';
import type { SealConfig, StorageConfig } from './types.js';

export interface LabeledBlock {
  ref: BlockRef;
  body: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The blocks `name "LABEL" { … }` of a file, in file order. HCL decodes them
 * as `[{LABEL: [{…}]}]`; JSON files may also write `{"LABEL": {…}}` or
 * `{"LABEL": [{…}, {…}]}`. All of these come out the same.
 */
export function labeledBlocks(value: unknown, name: string, ctx: FileContext): LabeledBlock[] {
  const blocks: LabeledBlock[] = [];
  const items = Array.isArray(value) ? value : [value];
  const shapeError = (): never => {
    throw configError(ctx.file, ctx.locator.block(name, blocks.length), `${name} must be a block with a type, such as ${name} "TYPE" { … }`);
  };
  for (const item of items) {
    if (!isObject(item)) shapeError();
    for (const [label, inner] of Object.entries(item as Record<string, unknown>)) {
      const bodies = Array.isArray(inner) ? inner : [inner];
      for (const body of bodies) {
        if (!isObject(body)) shapeError();
        const occurrence = blocks.length;
        blocks.push({
          ref: { name, label, line: () => ctx.locator.block(name, occurrence) },
          body: body as Record<string, unknown>,
        });
      }
    }
  }
  return blocks;
}

/** Vault hands storage settings to the backend as strings; other values are JSON-encoded. */
function stringMap(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/** `storage "TYPE" { … }` (also `backend`, `ha_storage`, `ha_backend`): at most one per file. */
export function parseStorageStanza(value: unknown, name: string, ctx: FileContext): StorageConfig | undefined {
  const blocks = labeledBlocks(value, name, ctx);
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) {
    throw configError(ctx.file, blocks[1]!.ref.line(), `only one ${name} stanza is allowed, found ${blocks.length}`);
  }
  const [block] = blocks;
  return { type: block!.ref.label, config: stringMap(block!.body) };
}

/** `seal "TYPE" { … }`: several are allowed (two during a seal migration). */
export function parseSealStanzas(value: unknown, ctx: FileContext): SealConfig[] {
  return labeledBlocks(value, 'seal', ctx).map(({ ref, body }) => {
    const { disabled, ...rest } = body;
    return {
      type: ref.label,
      disabled: disabled === undefined ? false : readBool(disabled, ctx.inBlock(ref, 'disabled')),
      config: stringMap(rest),
    };
  });
}
