import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { runtimePath, runtimeTypeFlag, TYPE_FLAG_USAGE } from '../plugin/runtime.js';

export const pluginRuntimeRegisterCommand: Command = {
  name: 'plugin runtime register',
  synopsis: 'Registers a new plugin runtime in the catalog',
  help: `
Usage: ${CLI_NAME} plugin runtime register [options] NAME

  Registers a new plugin runtime in the plugin runtime catalog, or updates
  the one of that type and name. Plugins registered with -runtime=NAME run
  inside it (the new settings apply from the next start of the plugin).

  Register a runtime that limits each plugin process to 64 MiB of memory,
  half a CPU and 64 tasks, with no network, as user nobody:

      $ ${CLI_NAME} plugin runtime register -type=process \\
          -memory_bytes=67108864 -cpu_nanos=500000000 -pids_max=64 \\
          -run_as_user=nobody sandboxed

  Register a Vault-style container runtime (stored, never run by ${CLI_NAME}):

      $ ${CLI_NAME} plugin runtime register -type=container -oci_runtime=runc runc`,
  flagSets: ['http'],
  flags: [
    { name: 'type', kind: 'string', usage: TYPE_FLAG_USAGE },
    { name: 'oci_runtime', kind: 'string', usage: 'container: the OCI runtime to use (Vault\'s default: runsc).' },
    { name: 'cgroup_parent', kind: 'string', usage: 'The cgroup each plugin process gets its own cgroup under, relative to the cgroup root (default "coffer"). Use it to limit a group of plugins together.' },
    { name: 'cpu_nanos', kind: 'int', usage: 'CPU limit per plugin process in billionths of a CPU core. Defaults to no limit.' },
    { name: 'memory_bytes', kind: 'int', usage: 'Memory limit per plugin process in bytes. Defaults to no limit.' },
    { name: 'rootless', kind: 'bool', usage: 'container: the container runtime runs as a non-privileged user.' },
    { name: 'pids_max', kind: 'int', usage: 'process: most processes and threads per plugin process. Defaults to no limit.' },
    { name: 'run_as_user', kind: 'string', usage: 'process: the user (name or uid) the plugin runs as. The server must run as root.' },
    { name: 'allow_network', kind: 'bool', usage: 'process: let the plugin use the network. By default it runs in a network namespace of its own, with nothing in it.' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const type = runtimeTypeFlag(ctx, 'registration');
    if (typeof type === 'number') return type;
    const name = ctx.args[0]!.trim();
    const body: Record<string, unknown> = {};
    for (const f of ['oci_runtime', 'cgroup_parent', 'run_as_user'] as const) if (ctx.flags.isSet(f)) body[f] = ctx.flags.string(f);
    for (const f of ['cpu_nanos', 'memory_bytes', 'pids_max'] as const) if (ctx.flags.isSet(f)) body[f] = ctx.flags.int(f);
    for (const f of ['rootless', 'allow_network'] as const) if (ctx.flags.isSet(f)) body[f] = ctx.flags.bool(f);
    try {
      await ctx.client().request('PUT', runtimePath(type, name), { body });
    } catch (err) {
      return apiFailure(ctx, `Error registering plugin runtime ${name}`, err);
    }
    ctx.ui.output(`Success! Registered plugin runtime: ${name}`);
    return 0;
  },
};
