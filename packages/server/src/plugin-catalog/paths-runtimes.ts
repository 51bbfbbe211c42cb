import { CofferError, type FieldData, type PathDefinition } from '@coffer/sdk';
import { describeEnforcement } from '../plugin-runtime/index.js';
import type { CatalogEntry } from './catalog-entry.js';
import { checkRuntimeEntry, parseRuntimeType, processLimitsOf, runtimeView, type RuntimeEntry } from './runtime-entry.js';
import type { RuntimeStore } from './runtime-store.js';

export interface RuntimePathDeps {
  runtimes: () => RuntimeStore;
  /** Every external plugin registration (to refuse deregistering a runtime still in use). */
  plugins: () => Promise<CatalogEntry[]>;
  /** A runtime was registered, changed or removed (warm spare processes started under the old one are dropped). */
  changed?: () => void;
}

/** Why a container runtime is stored but never run. */
export const CONTAINER_UNSUPPORTED =
  'Coffer runs no containers (no Docker or OCI runtime is used): register a runtime of type "process" for cgroup limits, a network namespace and run_as_user';

const fields = {
  type: { type: 'string', description: 'The runtime type: "process" (Coffer) or "container" (Vault; stored, never run).' },
  name: { type: 'string', description: 'The name plugins refer to with runtime=NAME.' },
  oci_runtime: { type: 'string', description: 'container: the OCI runtime to use.' },
  cgroup_parent: { type: 'string', description: 'The cgroup every plugin process gets its own cgroup under (default "coffer"), relative to the cgroup root.' },
  cpu_nanos: { type: 'int', description: 'CPU limit per plugin process in billionths of a core (0: no limit).' },
  memory_bytes: { type: 'int', description: 'Memory limit per plugin process in bytes (0: no limit).' },
  rootless: { type: 'bool', description: 'container: the container runtime runs unprivileged.' },
  pids_max: { type: 'int', description: 'process: most processes and threads per plugin process (0: no limit).' },
  run_as_user: { type: 'string', description: 'process: the user (name or uid) the plugin runs as; needs the server to run as root.' },
  allow_network: { type: 'bool', description: 'process: let the plugin use the network (default false: a network namespace of its own, with nothing in it).' },
} as const;

/** sys/plugins/runtimes/catalog…: register, read, list and deregister plugin runtimes, as Vault's API does. */
export function runtimePaths(deps: RuntimePathDeps): PathDefinition[] {
  const list = async (_req: unknown, d: FieldData) => {
    const typeText = d.get<string>('type') ?? '';
    const entries = await deps.runtimes().all(typeText ? parseRuntimeType(typeText) : undefined);
    return { data: entries.length > 0 ? { runtimes: entries.map(runtimeView) } : {} };
  };
  const target = (d: FieldData) => ({ type: parseRuntimeType(d.get<string>('type') ?? ''), name: d.get<string>('name') ?? '' });

  return [
    {
      pattern: 'plugins/runtimes/catalog/?',
      fields: { type: { ...fields.type, query: true } },
      operations: { list, read: list },
      helpSynopsis: 'Lists the registered plugin runtimes, optionally of one type.',
    },
    {
      pattern: 'plugins/runtimes/catalog/(?<type>[^/]+)/(?<name>.+)',
      fields,
      operations: {
        update: async (_req, d) => {
          const { type, name } = target(d);
          const entry = checkRuntimeEntry({
            name,
            type,
            oci_runtime: d.get<string>('oci_runtime') ?? '',
            cgroup_parent: d.get<string>('cgroup_parent') ?? '',
            cpu_nanos: d.get<number>('cpu_nanos') ?? 0,
            memory_bytes: d.get<number>('memory_bytes') ?? 0,
            rootless: d.get<boolean>('rootless') ?? false,
            pids_max: d.get<number>('pids_max') ?? 0,
            run_as_user: d.get<string>('run_as_user') ?? '',
            allow_network: d.get<boolean>('allow_network') ?? false,
          });
          await deps.runtimes().put(entry);
          deps.changed?.();
          return null;
        },
        read: async (_req, d) => {
          const { type, name } = target(d);
          const entry = await deps.runtimes().get(type, name);
          if (!entry) throw new CofferError('not_found', '');
          return { data: { ...runtimeView(entry), ...(await enforcementView(entry)) } };
        },
        delete: async (_req, d) => {
          const { type, name } = target(d);
          const runtimes = deps.runtimes();
          if (!(await runtimes.get(type, name))) throw new CofferError('not_found', `plugin runtime "${name}" of type "${type}" is not registered`);
          const users = (await deps.plugins()).filter((p) => p.runtime === name);
          if (users.length > 0) {
            const names = users.map((p) => `${p.type}/${p.name}${p.version ? ` ${p.version}` : ''}`).join(', ');
            throw new CofferError('invalid_request', `unable to delete "${name}" runtime: registered plugins are referencing it (${names}); register them without it or deregister them first`);
          }
          await runtimes.delete(type, name);
          deps.changed?.();
          return null;
        },
      },
      helpSynopsis: 'Registers, reads or deregisters one plugin runtime.',
      helpDescription:
        'A "process" runtime runs the plugins registered with runtime=NAME inside limits: memory, CPU and process count through cgroups (v2 or v1; setrlimit where cgroups are not writable), no network unless allow_network, and another user with run_as_user. Reading it shows which mechanism enforces each limit on this node (enforcement). A runtime plugins still refer to cannot be deregistered.',
    },
  ];
}

/** How this node enforces a runtime (`enforcement`, `enforcement_details`, `enforcement_problems`). */
async function enforcementView(entry: RuntimeEntry): Promise<Record<string, unknown>> {
  if (entry.type === 'container') {
    return { enforcement: 'unsupported', enforcement_details: {}, enforcement_problems: [CONTAINER_UNSUPPORTED] };
  }
  const plan = await describeEnforcement(processLimitsOf(entry));
  return { enforcement: plan.mechanism, enforcement_details: plan.details, enforcement_problems: [...plan.problems, ...plan.warnings] };
}
