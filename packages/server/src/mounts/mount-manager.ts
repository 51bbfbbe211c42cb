import { CofferError, KeyedMutex, StorageView, clearPrefix, getJson, putJson, type Logger, type Storage, type SystemView } from '@coffer/sdk';
import type { Router, Route } from '../core/router.js';
import type { BackendSource, ResolvedBackend } from './backend-source.js';
import { UnavailableBackend } from './unavailable-backend.js';
import { newMountEntry, normaliseMountPath, routerPath, storagePrefix, type MountEntry, type MountTableName } from './mount-entry.js';

const TABLE_KEYS: Record<MountTableName, string> = { mounts: 'core/mounts', auth: 'core/auth' };

/** Paths a user may never mount over or remove, as in Vault. */
const PROTECTED_PREFIXES = ['sys/', 'auth/token/', 'cubbyhole/', 'identity/'];

export interface MountManagerDeps {
  /** Where the mount and auth tables live. */
  barrier: Storage;
  /** Where mounts' own data lives (default: `barrier`); the core passes the barrier without write reports. */
  dataStorage?: Storage;
  router: Router;
  source: BackendSource;
  systemViewFor: (entry: MountEntry) => SystemView;
  logger: Logger;
  /** Revoke every lease under a router path before the mount goes away. */
  revokeLeasesUnder: (routerPathPrefix: string) => Promise<void>;
  /** Mounts created at first unseal (sys/, cubbyhole/, token/ …). */
  defaultMounts: () => MountEntry[];
  /** Some mounts (sys/, token/) keep their data outside the usual per-UUID view. */
  storageFor?: (entry: MountEntry) => Storage | undefined;
}

export interface RunningInfo {
  version: string;
  sha256: string;
  /** Set when the mount failed to start (missing plugin, wrong checksum): requests to it get this error. */
  error?: string;
}

/**
 * Owns the mount and auth tables: persists them in the barrier, builds each
 * mount's backend through the BackendSource, and keeps the router in step.
 */
export class MountManager {
  private readonly tables: Record<MountTableName, MountEntry[]> = { mounts: [], auth: [] };
  private readonly running = new Map<string, RunningInfo>();
  /** Changes of the tables (API calls, and reloads after an invalidation) happen one at a time. */
  private readonly tableLock = new KeyedMutex();

  constructor(private readonly deps: MountManagerDeps) {}

  /** Load both tables (creating the defaults on first unseal) and start every mount. */
  async load(): Promise<void> {
    for (const table of ['mounts', 'auth'] as const) {
      const stored = await getJson<{ entries: MountEntry[] }>(this.deps.barrier, TABLE_KEYS[table]);
      this.tables[table] = stored?.entries ?? [];
    }
    if (this.tables.mounts.length === 0 && this.tables.auth.length === 0) {
      for (const entry of this.deps.defaultMounts()) this.tables[entry.table].push(entry);
      await this.persist('mounts');
      await this.persist('auth');
    } else {
      // A required mount added in a later version (identity/) appears in tables written before it.
      for (const entry of this.deps.defaultMounts()) {
        if (!entry.builtin_required || this.tables[entry.table].some((e) => e.path === entry.path)) continue;
        this.tables[entry.table].push(entry);
        await this.persist(entry.table);
      }
    }
    for (const table of ['mounts', 'auth'] as const) {
      for (const entry of this.tables[table]) {
        await this.startOrStandIn(entry);
      }
    }
  }

  /** Tear every backend down (seal). */
  async unload(): Promise<void> {
    for (const route of this.deps.router.all()) {
      await route.backend.cleanup().catch((err: unknown) => this.deps.logger.warn({ mount: route.path, err: String(err) }, 'cleanup failed'));
      this.deps.router.unmount(route.path);
    }
    this.tables.mounts = [];
    this.tables.auth = [];
    this.running.clear();
  }

  list(table: MountTableName): MountEntry[] {
    return [...this.tables[table]].sort((a, b) => a.path.localeCompare(b.path));
  }

  find(table: MountTableName, path: string): MountEntry | undefined {
    const p = normaliseMountPath(path);
    return this.tables[table].find((e) => e.path === p);
  }

  findByRouterPath(path: string): MountEntry | undefined {
    const p = normaliseMountPath(path);
    return [...this.tables.mounts, ...this.tables.auth].find((e) => routerPath(e) === p);
  }

  findByAccessor(accessor: string): MountEntry | undefined {
    return [...this.tables.mounts, ...this.tables.auth].find((e) => e.accessor === accessor);
  }

  runningInfo(entry: MountEntry): RunningInfo {
    return this.running.get(routerPath(entry)) ?? { version: '', sha256: '' };
  }

  storageOf(entry: MountEntry): Storage {
    return this.deps.storageFor?.(entry) ?? new StorageView(this.deps.dataStorage ?? this.deps.barrier, storagePrefix(entry));
  }

  /**
   * The stored table changed below us (another node, or a write straight to
   * the barrier): start the mounts that appeared, stop those that went,
   * take the new settings of the others (rebuilding a backend whose options
   * or path changed).
   */
  reload(table: MountTableName): Promise<void> {
    return this.tableLock.run('tables', async () => {
      const stored = (await getJson<{ entries: MountEntry[] }>(this.deps.barrier, TABLE_KEYS[table]))?.entries ?? [];
      if (JSON.stringify(stored) === JSON.stringify(this.tables[table])) return;
      const current = new Map(this.tables[table].map((e) => [e.uuid, e]));
      const next: MountEntry[] = [];
      for (const fresh of stored) {
        const existing = current.get(fresh.uuid);
        current.delete(fresh.uuid);
        if (!existing) {
          await this.startOrStandIn(fresh);
          next.push(fresh);
          continue;
        }
        const rebuild = existing.path !== fresh.path || JSON.stringify(existing.options) !== JSON.stringify(fresh.options) || existing.type !== fresh.type;
        if (rebuild) await this.stop(existing);
        // In place: routes and system views read the entry object live.
        Object.assign(existing, fresh);
        if (rebuild) await this.startOrStandIn(existing);
        next.push(existing);
      }
      for (const gone of current.values()) await this.stop(gone);
      this.tables[table] = next;
    });
  }

  /** A mount's backend heard that an entry of its own storage changed below it. */
  async invalidateData(key: string): Promise<void> {
    const [root, uuid] = key.split('/', 2);
    const entry = [...this.tables.mounts, ...this.tables.auth].find((e) => e.uuid === uuid);
    if (!entry || storagePrefix(entry) !== `${root}/${uuid}/`) return;
    await this.deps.router.get(routerPath(entry))?.backend.invalidateKey(key.slice(storagePrefix(entry).length));
  }

  enable(table: MountTableName, path: string, type: string, fields: Partial<MountEntry>): Promise<MountEntry> {
    return this.tableLock.run('tables', () => this.enableLocked(table, path, type, fields));
  }

  private async enableLocked(table: MountTableName, path: string, type: string, fields: Partial<MountEntry>): Promise<MountEntry> {
    const mountPath = normaliseMountPath(path);
    if (mountPath === '/' || mountPath.includes('..')) throw new CofferError('invalid_request', `invalid mount path "${path}"`);
    const entry = newMountEntry(table, mountPath, type, fields);
    // Refused before anything starts: a version that cannot be found must not reach the table.
    if (entry.plugin_version !== '') await this.deps.source.checkVersion?.(entry, entry.plugin_version);
    const full = routerPath(entry);
    if (!fields.builtin_required && PROTECTED_PREFIXES.some((p) => full.startsWith(p) || p.startsWith(full))) {
      throw new CofferError('invalid_request', `cannot mount at "${full}": the path is reserved`);
    }
    const conflict = this.deps.router.all().find((r) => full.startsWith(r.path) || r.path.startsWith(full));
    if (conflict || this.findByRouterPath(full)) {
      throw new CofferError('invalid_request', `path is already in use at ${conflict?.path ?? full}`);
    }
    // Start first: a backend that cannot start leaves no row in the table.
    await this.start(entry);
    this.tables[table].push(entry);
    try {
      await this.persist(table);
    } catch (err) {
      this.tables[table] = this.tables[table].filter((e) => e !== entry);
      await this.stop(entry);
      throw err;
    }
    return entry;
  }

  disable(table: MountTableName, path: string): Promise<void> {
    return this.tableLock.run('tables', () => this.disableLocked(table, path));
  }

  private async disableLocked(table: MountTableName, path: string): Promise<void> {
    const entry = this.find(table, path);
    if (!entry) return; // Vault: disabling a path that is not mounted succeeds.
    if (entry.builtin_required) throw new CofferError('invalid_request', `cannot unmount "${routerPath(entry)}"`);
    await this.deps.revokeLeasesUnder(routerPath(entry));
    await this.stop(entry);
    this.tables[table] = this.tables[table].filter((e) => e !== entry);
    await this.persist(table);
    // Disabling erases the mount's data, as Vault does (the docs warn users about it).
    await clearPrefix(this.deps.dataStorage ?? this.deps.barrier, storagePrefix(entry));
  }

  tune(entry: MountEntry, changes: Omit<Partial<MountEntry>, 'config'> & { config?: Partial<MountEntry['config']> }): Promise<void> {
    return this.tableLock.run('tables', () => this.tuneLocked(entry, changes));
  }

  private async tuneLocked(entry: MountEntry, changes: Omit<Partial<MountEntry>, 'config'> & { config?: Partial<MountEntry['config']> }): Promise<void> {
    if (changes.plugin_version !== undefined && this.deps.source.checkVersion) {
      changes = { ...changes, plugin_version: await this.deps.source.checkVersion(entry, changes.plugin_version) };
    }
    const previous = structuredClone(entry);
    if (changes.config) Object.assign(entry.config, changes.config);
    if (changes.description !== undefined) entry.description = changes.description;
    if (changes.options) entry.options = { ...entry.options, ...changes.options };
    if (changes.plugin_version !== undefined) entry.plugin_version = changes.plugin_version;
    try {
      await this.persist(entry.table);
    } catch (err) {
      Object.assign(entry, previous);
      throw err;
    }
    // Options are the backend's configuration (kv version=2 upgrades the data on initialize): rebuild it.
    if (changes.options && JSON.stringify(previous.options) !== JSON.stringify(entry.options)) {
      let resolved: ResolvedBackend;
      try {
        resolved = await this.build(entry);
      } catch (err) {
        // Options the backend refuses (kv version=3) must not stay saved: the mount would fail at the next unseal.
        Object.assign(entry, previous);
        await this.persist(entry.table).catch((e: unknown) => this.deps.logger.error({ mount: routerPath(entry), err: String(e) }, 'restoring the mount table after a failed tune failed'));
        throw err;
      }
      const old = this.swap(entry, resolved);
      await old?.cleanup().catch((err: unknown) => this.deps.logger.warn({ mount: routerPath(entry), err: String(err) }, 'cleanup failed'));
    }
  }

  /** Move a mount to a new path; its data stays (it is keyed by UUID). */
  remount(from: string, to: string): Promise<MountEntry> {
    return this.tableLock.run('tables', () => this.remountLocked(from, to));
  }

  private async remountLocked(from: string, to: string): Promise<MountEntry> {
    const entry = this.findByRouterPath(from);
    if (!entry) throw new CofferError('invalid_request', `no mount at "${normaliseMountPath(from)}"`);
    if (entry.builtin_required) throw new CofferError('invalid_request', `cannot remount "${routerPath(entry)}"`);
    const target = normaliseMountPath(to);
    if (target === '/' || target.includes('..')) throw new CofferError('invalid_request', `invalid mount path "${to}"`);
    if (PROTECTED_PREFIXES.some((p) => target.startsWith(p) || p.startsWith(target))) {
      throw new CofferError('invalid_request', `cannot remount to "${target}": the path is reserved`);
    }
    const targetIsAuth = target.startsWith('auth/');
    if (targetIsAuth !== (entry.table === 'auth')) {
      throw new CofferError('invalid_request', 'cannot move a mount between the secrets and auth tables');
    }
    if (this.findByRouterPath(target) || this.deps.router.all().some((r) => target.startsWith(r.path) || r.path.startsWith(target))) {
      throw new CofferError('invalid_request', `path already in use at "${target}"`);
    }
    await this.deps.revokeLeasesUnder(routerPath(entry));
    const route = this.deps.router.get(routerPath(entry));
    this.deps.router.unmount(routerPath(entry));
    const oldPath = entry.path;
    entry.path = targetIsAuth ? target.slice('auth/'.length) : target;
    try {
      await this.persist(entry.table);
    } catch (err) {
      entry.path = oldPath;
      if (route) this.deps.router.mount(entry, route.backend, route.storage);
      throw err;
    }
    if (route) this.deps.router.mount(entry, route.backend, route.storage);
    const info = this.running.get(routerPath({ ...entry, path: oldPath }));
    if (info) this.running.set(routerPath(entry), info);
    return entry;
  }

  /** Build a fresh backend for an existing mount (used by plugin reload) without routing to it yet. */
  async build(entry: MountEntry): Promise<ResolvedBackend> {
    const storage = this.storageOf(entry);
    const resolved = await this.deps.source.create(entry, {
      storage,
      system: this.deps.systemViewFor(entry),
      logger: this.deps.logger.child({ mount: routerPath(entry) }),
      config: { ...entry.options },
      backendUuid: entry.uuid,
    });
    await resolved.backend.initialize({ storage });
    return resolved;
  }

  /** Route new requests to a freshly built backend (reload); returns the old route's backend. */
  swap(entry: MountEntry, resolved: ResolvedBackend): Route['backend'] | undefined {
    const path = routerPath(entry);
    const route = this.deps.router.get(path);
    // Read the old backend before the swap: replaceBackend changes the route object in place.
    const previous = route?.backend;
    if (route) this.deps.router.replaceBackend(path, resolved.backend);
    else this.deps.router.mount(entry, resolved.backend, this.storageOf(entry));
    this.running.set(path, { version: resolved.runningVersion, sha256: resolved.runningSha256 });
    return previous;
  }

  /** A mount whose plugin cannot start must not stop the server from unsealing. */
  private async startOrStandIn(entry: MountEntry): Promise<void> {
    try {
      await this.start(entry);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.logger.error({ mount: routerPath(entry), type: entry.type, err: message }, 'failed to start mount; requests to it will fail until it is fixed and reloaded');
      this.running.set(routerPath(entry), { version: '', sha256: '', error: message });
      // Routed to a stand-in, so requests get the start error (503) instead of "no handler" (404), and a reload can swap the real backend in.
      this.deps.router.mount(entry, new UnavailableBackend(entry.table === 'auth' ? 'credential' : 'logical', routerPath(entry), message), this.storageOf(entry));
    }
  }

  private async start(entry: MountEntry): Promise<void> {
    const resolved = await this.build(entry);
    this.deps.router.mount(entry, resolved.backend, this.storageOf(entry));
    this.running.set(routerPath(entry), { version: resolved.runningVersion, sha256: resolved.runningSha256 });
  }

  private async stop(entry: MountEntry): Promise<void> {
    const route = this.deps.router.get(routerPath(entry));
    this.deps.router.unmount(routerPath(entry));
    this.running.delete(routerPath(entry));
    await route?.backend.cleanup().catch((err: unknown) => this.deps.logger.warn({ mount: routerPath(entry), err: String(err) }, 'cleanup failed'));
  }

  private async persist(table: MountTableName): Promise<void> {
    await putJson(this.deps.barrier, TABLE_KEYS[table], { type: table, entries: this.tables[table] });
  }
}
