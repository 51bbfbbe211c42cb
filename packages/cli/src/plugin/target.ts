// "plugin info", "plugin register" and "plugin deregister" all address one
// catalog entry as TYPE NAME (or just NAME).
import type { ApiClient } from '../api/client.js';
import { EXIT_API } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { parsePluginType, typeAndName, type PluginType } from './catalog.js';

export interface PluginTarget {
  client: ApiClient;
  type: PluginType;
  name: string;
}

/** Reads TYPE and NAME from the arguments; an unknown TYPE is printed and gives the API-error exit code. */
export function pluginTarget(ctx: Context): PluginTarget | number {
  const { typeText, name } = typeAndName(ctx.args);
  const client = ctx.client();
  try {
    return { client, type: parsePluginType(typeText), name };
  } catch (err) {
    ctx.ui.error((err as Error).message);
    return EXIT_API;
  }
}
