// Plugin types and catalog paths, as Vault's API client builds them.

export const PLUGIN_TYPES = ['auth', 'database', 'secret'] as const;
export type PluginType = (typeof PLUGIN_TYPES)[number] | 'unknown';

export class PluginTypeError extends Error {}

/** Vault's ParsePluginType. */
export function parsePluginType(text: string): PluginType {
  const value = text.trim();
  if (value === 'unknown' || (PLUGIN_TYPES as readonly string[]).includes(value)) return value as PluginType;
  throw new PluginTypeError(`${JSON.stringify(value)} is not a supported plugin type`);
}

/** sys/plugins/catalog/TYPE/NAME, or the legacy untyped path for "unknown". */
export function catalogPath(type: PluginType, name: string): string {
  return type === 'unknown' ? `sys/plugins/catalog/${name}` : `sys/plugins/catalog/${type}/${name}`;
}

/** TYPE NAME or just NAME (type "unknown"), as the plugin commands take them. */
export function typeAndName(args: string[]): { typeText: string; name: string } {
  if (args.length === 1) return { typeText: 'unknown', name: args[0]!.trim() };
  return { typeText: args[0]!, name: args[1]!.trim() };
}
