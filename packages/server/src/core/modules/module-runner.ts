import { CofferError, type Logger, type PathDefinition } from '@coffer/sdk';
import type { ActiveWork, CoreModule, CoreServices, ModuleContext, ModuleContribution, ServiceName } from './module.js';

interface Built {
  module: CoreModule;
  contribution: ModuleContribution;
}

/**
 * Builds modules in dependency order, then starts them in that order; stops
 * them in reverse. Root services (given before any module: the barrier, the
 * router, configuration) are available to all.
 */
export class ModuleRunner {
  private readonly services = new Map<string, unknown>();
  private built: Built[] = [];
  private started = 0;
  private activeRunning = false;
  /** Every module's active-only work, in dependency order (stopped in reverse). */
  private readonly activeWork: ActiveWork = {
    start: async () => {
      if (this.activeRunning) return;
      this.activeRunning = true;
      for (const b of this.built) await b.contribution.active?.start();
    },
    stop: async () => {
      if (!this.activeRunning) return;
      this.activeRunning = false;
      for (const b of [...this.built].reverse()) {
        await b.contribution.active?.stop().catch((err: unknown) => this.logger.warn({ module: b.module.name, err: String(err) }, 'active work failed to stop cleanly'));
      }
    },
  };

  constructor(
    private readonly modules: readonly CoreModule[],
    rootServices: Partial<CoreServices>,
    private readonly logger: Logger,
  ) {
    for (const [name, value] of Object.entries(rootServices)) this.services.set(name, value);
  }

  /** The build order: every module after the providers of what it needs. */
  static order(modules: readonly CoreModule[], rootServices: Iterable<string>): CoreModule[] {
    const provider = new Map<string, CoreModule>();
    for (const m of modules) {
      for (const s of m.provides ?? []) {
        const other = provider.get(s);
        if (other) throw new CofferError('internal', `service "${s}" is provided by both "${other.name}" and "${m.name}"`);
        provider.set(s, m);
      }
    }
    const roots = new Set(rootServices);
    const ordered: CoreModule[] = [];
    const state = new Map<CoreModule, 'visiting' | 'done'>();
    const visit = (m: CoreModule, chain: string[]): void => {
      const s = state.get(m);
      if (s === 'done') return;
      if (s === 'visiting') throw new CofferError('internal', `module dependency cycle: ${[...chain, m.name].join(' -> ')}`);
      state.set(m, 'visiting');
      for (const need of m.needs ?? []) {
        if (roots.has(need)) continue;
        const p = provider.get(need);
        if (!p) throw new CofferError('internal', `module "${m.name}" needs "${need}", which no module provides`);
        visit(p, [...chain, m.name]);
      }
      state.set(m, 'done');
      ordered.push(m);
    };
    // Stable: modules without constraints keep the order they were listed in.
    for (const m of modules) visit(m, []);
    for (const m of modules) {
      for (const use of m.uses ?? []) {
        if (!roots.has(use) && !provider.has(use)) throw new CofferError('internal', `module "${m.name}" uses "${use}", which no module provides`);
      }
    }
    return ordered;
  }

  /** Build every module, then start each; on failure, stop what started and rethrow. */
  async start(): Promise<ModuleContribution[]> {
    const ordered = ModuleRunner.order(this.modules, this.services.keys());
    try {
      for (const module of ordered) {
        const contribution = await module.build(this.contextFor(module));
        for (const name of module.provides ?? []) {
          const value = (contribution.services as Record<string, unknown> | undefined)?.[name];
          if (value === undefined) throw new CofferError('internal', `module "${module.name}" did not provide "${name}"`);
          this.services.set(name, value);
        }
        this.built.push({ module, contribution });
      }
      for (const b of this.built) {
        await b.contribution.start?.();
        this.started++;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.built.map((b) => b.contribution);
  }

  /** Stop started modules in reverse order; a failing stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    await this.activeWork.stop();
    for (let i = this.started - 1; i >= 0; i--) {
      const b = this.built[i]!;
      await b.contribution.stop?.().catch((err: unknown) => this.logger.warn({ module: b.module.name, err: String(err) }, 'module failed to stop cleanly'));
    }
    this.started = 0;
    this.built = [];
  }

  /** A service, once its module is built (the core's accessors, tests). */
  service<K extends ServiceName>(name: K): CoreServices[K] | undefined {
    return this.services.get(name) as CoreServices[K] | undefined;
  }

  contributions(): ModuleContribution[] {
    return this.built.map((b) => b.contribution);
  }

  private contextFor(module: CoreModule): ModuleContext {
    const needs = new Set<string>(module.needs ?? []);
    const uses = new Set<string>(module.uses ?? []);
    return {
      logger: this.logger.child({ component: module.name }),
      get: <K extends ServiceName>(name: K): CoreServices[K] => {
        if (!needs.has(name)) throw new CofferError('internal', `module "${module.name}" asked for "${name}" without declaring it in needs`);
        return this.services.get(name) as CoreServices[K];
      },
      later: <K extends ServiceName>(name: K): (() => CoreServices[K]) => {
        if (!uses.has(name) && !needs.has(name)) throw new CofferError('internal', `module "${module.name}" asked for "${name}" without declaring it in uses`);
        return () => {
          const value = this.services.get(name);
          if (value === undefined) throw new CofferError('internal', `"${name}" is not available yet`);
          return value as CoreServices[K];
        };
      },
      sysPaths: (): PathDefinition[] => this.built.flatMap((b) => b.contribution.sysPaths ?? []),
      activeWork: () => this.activeWork,
      sysSpecialPaths: () => ({
        root: this.built.flatMap((b) => b.contribution.sysRootPaths ?? []),
        unauthenticated: this.built.flatMap((b) => b.contribution.sysUnauthenticatedPaths ?? []),
      }),
    };
  }
}
