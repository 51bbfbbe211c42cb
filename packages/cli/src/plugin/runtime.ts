// Plugin runtime types and paths, as the `plugin runtime` commands use them.
import type { Context } from '../cli/context.js';
import { EXIT_USAGE } from '../cli/command.js';

/** Vault's "container" (stored, never run by Coffer) and Coffer's "process". */
export const RUNTIME_TYPES = ['container', 'process'] as const;
export type RuntimeType = (typeof RUNTIME_TYPES)[number];

export function runtimePath(type: RuntimeType, name: string): string {
  return `sys/plugins/runtimes/catalog/${type}/${name}`;
}

export const TYPE_FLAG_USAGE = 'Plugin runtime type: "process" (limits enforced by Coffer on plain processes) or "container" (Vault\'s; accepted, but Coffer runs no containers).';

/** The -type flag, required: the type, or the exit code after printing why not. */
export function runtimeTypeFlag(ctx: Context, action: string): RuntimeType | number {
  const text = (ctx.flags.string('type') ?? '').trim();
  if (text === '') {
    ctx.ui.error(`-type is required for plugin runtime ${action}`);
    return EXIT_USAGE;
  }
  if (!(RUNTIME_TYPES as readonly string[]).includes(text)) {
    ctx.ui.error(`${JSON.stringify(text)} is not a supported plugin runtime type`);
    return EXIT_USAGE;
  }
  return text as RuntimeType;
}
