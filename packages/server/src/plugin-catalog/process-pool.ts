import { CofferError, type Logger } from '@coffer/sdk';
import { launchPlugin, type PluginProcess, type ProcessLimits } from '../plugin-runtime/index.js';
import type { CatalogEntry } from './catalog-entry.js';
import { verifySha256 } from './sha256.js';

/** What the pool needs of a running plugin process (the runtime's PluginProcess). */
export type PooledProcess = Pick<PluginProcess, 'name' | 'isExited' | 'exited' | 'kill' | 'dispense' | 'dispenseDatabase'> & Partial<Pick<PluginProcess, 'warmUp'>>;

/** Starts a process for an already checked, absolute command (inside its runtime's limits, when it has one). */
export type Launcher = (spec: { command: string; args: string[]; env: string[]; name: string; sandbox?: ProcessLimits }) => Promise<PooledProcess>;

export function runtimeLauncher(logger: Logger, handshakeTimeoutMs?: number, callTimeoutMs?: number): Launcher {
  return (spec) => launchPlugin({ ...spec, logger, handshakeTimeoutMs, ...(callTimeoutMs !== undefined ? { callTimeoutMs } : {}) });
}

/** One launched (or launching) process and the mounts that use it. */
interface Slot {
  /** Launch order: lets a reload ask for "a process started after this point". */
  seq: number;
  key: string;
  process?: PooledProcess;
  launching: Promise<PooledProcess>;
  holders: Set<object>;
  dead: boolean;
}

/**
 * The running plugin processes. Mounts of the same catalog entry (same
 * command, sha256, args and env) share one process: the runtime
 * multiplexes backends over it. Before every launch the command is
 * resolved inside plugin_directory again and the binary's sha256 is
 * checked, so a binary swapped on disk is never run. A process is stopped
 * when the last mount using it lets go.
 */
export class ProcessPool {
  private readonly slots = new Map<string, Slot[]>();
  /**
   * With warmSpares (plugin_warm_spares in the server config), per catalog
   * entry that has been reloaded in place: one process started ahead of
   * the next reload and never used. A reload takes it instead of waiting for
   * a launch (node start-up, TLS key generation, handshake: seconds on a
   * busy host). Never having served a mount, it is as fresh as a new launch;
   * its binary's sha256 is checked again when it is taken.
   */
  private readonly spares = new Map<string, Slot>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly deps: {
      /** plugin_directory's check (PluginDirectory.resolve): the command's real path, inside the directory. */
      resolveCommand: (command: string) => Promise<string>;
      launch: Launcher;
      logger: Logger;
      /** Keep a warm spare per plugin reloaded in place (off by default: it is one more process). */
      warmSpares?: boolean;
      /**
       * How long after a reload's process is up the next spare starts (default
       * 1 s): a plugin process's start-up takes a core for a few hundred ms,
       * which would otherwise slow the reload that just took the spare.
       */
      spareDelayMs?: number;
      /** The limits of the plugin runtime an entry names (read at every launch, so a changed runtime applies from the next one). */
      resolveRuntime?: (runtime: string) => Promise<ProcessLimits>;
    },
  ) {}

  /** A marker: acquire(…, after = marker) will not reuse any process launched before it. */
  mark(): number {
    return this.seq;
  }

  /** Opens the pool again after a seal closed it. */
  open(): void {
    this.closed = false;
  }

  /**
   * A live process for `entry`, shared with other holders when one exists
   * that was launched after `after`; otherwise a new one.
   */
  async acquire(entry: CatalogEntry, holder: object, after = -1): Promise<PooledProcess> {
    if (this.closed) throw new CofferError('sealed', 'Vault is sealed');
    const key = keyOf(entry);
    const slots = this.slots.get(key) ?? [];
    let slot = [...slots].reverse().find((s) => !s.dead && s.seq > after && !s.process?.isExited);
    if (!slot && after >= 0) {
      // A reload: use the spare if one is ready. A process of this same entry
      // being replaced means a restart in place, the kind that is repeated
      // (rolling restarts, config reloads): prepare a spare for the next one.
      const restartInPlace = slots.some((s) => !s.dead);
      const taken = this.takeSpare(key, entry) ?? this.launch(key, entry);
      slot = taken;
      if (restartInPlace) {
        const next = () => {
          const timer = setTimeout(() => this.prepareSpare(key, entry), this.deps.spareDelayMs ?? 1000);
          timer.unref();
        };
        taken.launching.then(next, next);
      }
    }
    if (!slot) slot = this.launch(key, entry);
    slot.holders.add(holder);
    try {
      return await slot.launching;
    } catch (err) {
      slot.holders.delete(holder);
      throw err;
    }
  }

  /** The holder no longer uses `process`; the last one out stops it. */
  async release(process: PooledProcess, holder: object): Promise<void> {
    const slot = this.find(process);
    if (!slot) return;
    slot.holders.delete(holder);
    if (slot.holders.size > 0) return;
    this.remove(slot);
    if (!this.slots.has(slot.key)) this.dropSpare(slot.key);
    if (!process.isExited) {
      this.deps.logger.debug({ plugin: process.name }, 'stopping plugin process: no mount uses it any more');
      await process.kill();
    }
  }

  /**
   * Stops every warm spare: they were started with the plugin runtimes of
   * their time, and a runtime just changed. The next reload in place
   * launches afresh (and prepares a new spare).
   */
  dropSpares(): void {
    for (const key of [...this.spares.keys()]) this.dropSpare(key);
  }

  /** The launch order number of a process (for logs and tests). */
  seqOf(process: PooledProcess): number | undefined {
    return this.find(process)?.seq;
  }

  /** Running processes, for tests and diagnostics. */
  running(): { key: string; seq: number; holders: number; process?: PooledProcess }[] {
    return [...this.slots.values()].flat().map((s) => ({ key: s.key, seq: s.seq, holders: s.holders.size, process: s.process }));
  }

  /** Seal: stop everything and refuse new launches until open(). */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.slots.values()].flat().concat([...this.spares.values()]);
    this.slots.clear();
    this.spares.clear();
    await Promise.all(
      all.map(async (slot) => {
        const proc = await slot.launching.catch(() => undefined);
        await proc?.kill().catch(() => undefined);
      }),
    );
  }

  private launch(key: string, entry: CatalogEntry): Slot {
    const slot = this.start(key, entry);
    this.slots.set(key, [...(this.slots.get(key) ?? []), slot]);
    return slot;
  }

  private prepareSpare(key: string, entry: CatalogEntry): void {
    if (!this.deps.warmSpares || this.spares.has(key) || this.closed) return;
    const spare = this.start(key, entry);
    // Connected and with its host services up before a reload needs it.
    spare.launching = spare.launching.then(async (proc) => {
      await proc.warmUp?.().catch(() => undefined);
      return proc;
    });
    spare.launching.catch(() => undefined);
    this.spares.set(key, spare);
    const forget = () => {
      if (this.spares.get(key) === spare) this.spares.delete(key);
    };
    spare.launching.then((proc) => proc.exited.then(forget), forget);
  }

  /** The ready spare of `key`, registered as a new launch; undefined when there is none (or it is gone). */
  private takeSpare(key: string, entry: CatalogEntry): Slot | undefined {
    const spare = this.spares.get(key);
    if (!spare || spare.dead || spare.process?.isExited) return undefined;
    this.spares.delete(key);
    spare.seq = ++this.seq;
    const launched = spare.launching;
    spare.launching = (async () => {
      const proc = await launched;
      try {
        // The file may have changed since the spare started: the same check as a launch.
        await verifySha256(await this.deps.resolveCommand(entry.command), entry.sha256, displayName(entry));
      } catch (err) {
        await proc.kill();
        throw err;
      }
      return proc;
    })();
    spare.launching.catch(() => {
      spare.dead = true;
      this.remove(spare);
    });
    this.slots.set(key, [...(this.slots.get(key) ?? []), spare]);
    return spare;
  }

  private dropSpare(key: string): void {
    const spare = this.spares.get(key);
    if (!spare) return;
    this.spares.delete(key);
    void spare.launching.then((proc) => proc.kill()).catch(() => undefined);
  }

  /** Launches a process for `entry` (after the directory and sha256 checks) in a slot of its own. */
  private start(key: string, entry: CatalogEntry): Slot {
    const slot: Slot = { seq: ++this.seq, key, holders: new Set(), dead: false, launching: Promise.resolve(undefined as never) };
    const name = displayName(entry);
    slot.launching = (async () => {
      const command = await this.deps.resolveCommand(entry.command);
      await verifySha256(command, entry.sha256, name);
      const sandbox = entry.runtime && this.deps.resolveRuntime ? await this.deps.resolveRuntime(entry.runtime) : undefined;
      const proc = await this.deps.launch({ command, args: entry.args, env: entry.env, name, ...(sandbox ? { sandbox } : {}) });
      if (this.closed) {
        await proc.kill();
        throw new CofferError('sealed', 'Vault is sealed');
      }
      slot.process = proc;
      void proc.exited.then(() => this.onExit(slot));
      return proc;
    })();
    slot.launching.catch(() => {
      slot.dead = true;
      this.remove(slot);
    });
    return slot;
  }

  private onExit(slot: Slot): void {
    slot.dead = true;
    if (slot.holders.size === 0) this.remove(slot);
  }

  private find(process: PooledProcess): Slot | undefined {
    for (const slots of this.slots.values()) {
      const slot = slots.find((s) => s.process === process);
      if (slot) return slot;
    }
    return undefined;
  }

  private remove(slot: Slot): void {
    const rest = (this.slots.get(slot.key) ?? []).filter((s) => s !== slot);
    if (rest.length > 0) this.slots.set(slot.key, rest);
    else this.slots.delete(slot.key);
  }
}

/** How a catalog entry is named in logs and errors: "secret/my-plugin/v1.2.0". */
export function displayName(entry: CatalogEntry): string {
  return `${entry.type}/${entry.name}${entry.version ? `/${entry.version}` : ''}`;
}

function keyOf(entry: CatalogEntry): string {
  return JSON.stringify([entry.type, entry.name, entry.version, entry.command, entry.sha256, entry.args, entry.env, entry.runtime ?? '']);
}
