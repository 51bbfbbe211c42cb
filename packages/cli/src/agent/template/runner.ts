// Renders every template (files and exec's env_template) from one shared set
// of secrets, writes what changed atomically and runs the commands. A pass
// renders everything in memory first: an error in any template (a missing key
// under error_on_missing_key, a failing function) stops the agent before a
// file of that pass is written. Templates whose secret does not exist yet
// wait for it; server errors are retried with backoff.
import { readFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentPart, PartContext } from '../agent.js';
import { errorText } from '../error-text.js';
import { writeFileAtomic } from '../atomic-write.js';
import { Backoff, sleep } from '../backoff.js';
import type { EnvTemplateConfig, TemplateConfig, TemplateSettings } from '../config/types.js';
import { GoTemplate, TemplateError, type TemplateFunction } from '../gotemplate/index.js';
import { runTemplateCommand } from './command.js';
import { Dependencies, MissingSecret } from './dependencies.js';
import { pureFunctions } from './functions.js';
import { SECRET_FUNCTION_NAMES, secretFunctions } from './secret-functions.js';

/** Vault's default for vault { retry { num_retries } }. */
const DEFAULT_RETRY_ATTEMPTS = 12;

interface Target {
  /** For messages: the source file, or where the inline contents are. */
  name: string;
  template: GoTemplate;
  missingKeyError: boolean;
  file?: TemplateConfig;
  envName?: string;
}

type PassOutcome = { kind: 'ok'; waiting: string[] } | { kind: 'retry'; message: string } | { kind: 'fatal'; message: string };

export type EnvListener = (env: Record<string, string>) => void;

/** Thrown for a template that cannot be used; the message names the file and line. */
export class TemplateConfigError extends Error {}

export class TemplateRunner implements AgentPart {
  private targets: Target[] = [];
  private ctx!: PartContext;
  private deps!: Dependencies;
  private wake: (() => void) | undefined;
  private pending = false;
  private readonly stopController = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private envListener: EnvListener | undefined;
  private lastEnv: string | undefined;
  private firstPassDone!: () => void;
  /** Settles after the first pass that rendered every template. */
  readonly firstPass = new Promise<void>((resolve) => (this.firstPassDone = resolve));

  constructor(
    private readonly files: TemplateConfig[],
    private readonly envTemplates: EnvTemplateConfig[],
    private readonly settings: TemplateSettings,
    private readonly env: NodeJS.ProcessEnv,
    numRetries = 0,
  ) {
    this.retryAttempts = numRetries === 0 ? DEFAULT_RETRY_ATTEMPTS : Math.max(0, numRetries);
  }

  /** Failed passes tolerated before exit_on_retry_failure stops the agent. */
  private readonly retryAttempts: number;

  onEnv(listener: EnvListener): void {
    this.envListener = listener;
  }

  private functionStubs(): Record<string, TemplateFunction> {
    const names = [...Object.keys(pureFunctions(this.env)), ...SECRET_FUNCTION_NAMES];
    return Object.fromEntries(names.map((n) => [n, () => undefined]));
  }

  /** Reads and parses every template; nothing is fetched or written. */
  async prepare(): Promise<void> {
    this.targets = await this.loadTargets();
  }

  private async loadTargets(): Promise<Target[]> {
    const stubs = this.functionStubs();
    const targets: Target[] = [];
    for (const t of this.files) {
      let text = t.contents;
      const name = t.source ?? t.destination;
      if (t.source !== undefined) {
        try {
          text = await readFile(t.source, 'utf8');
        } catch (err) {
          throw new TemplateConfigError(`template source "${t.source}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`);
        }
      }
      targets.push({ name, template: this.parse(name, text!, stubs, t.leftDelimiter, t.rightDelimiter), missingKeyError: t.errorOnMissingKey, file: t });
    }
    for (const e of this.envTemplates) {
      const name = `env_template "${e.name}"`;
      targets.push({ name, template: this.parse(name, e.contents, stubs, '{{', '}}'), missingKeyError: e.errorOnMissingKey, envName: e.name });
    }
    return targets;
  }

  private parse(name: string, text: string, stubs: Record<string, TemplateFunction>, left: string, right: string): GoTemplate {
    try {
      return new GoTemplate(name, text, stubs, { left, right });
    } catch (err) {
      if (err instanceof TemplateError) throw new TemplateConfigError(err.message);
      throw err;
    }
  }

  async start(ctx: PartContext): Promise<void> {
    this.ctx = ctx;
    const logger = ctx.logger.named('template.server');
    this.deps = new Dependencies(ctx.client, this.settings.staticSecretRenderInterval, logger);
    ctx.tokens.onChange(() => this.kick());
    this.loopDone = this.loop().catch((err: unknown) => ctx.exit(1, `template rendering stopped: ${errorText(err)}`));
  }

  async reload(): Promise<void> {
    try {
      this.targets = await this.loadTargets();
    } catch (err) {
      this.ctx.logger.named('template.server').error('reloading templates failed; keeping the old ones', { error: errorText(err) });
      return;
    }
    this.deps?.clear();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.wake?.();
    await this.loopDone;
  }

  private kick(): void {
    this.pending = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    const logger = this.ctx.logger.named('template.server');
    const signal = this.stopController.signal;
    const token = await Promise.race([this.ctx.tokens.wait(), new Promise<undefined>((r) => signal.addEventListener('abort', () => r(undefined)))]);
    if (token === undefined) return;
    const retry = new Backoff(0.25, 60);
    let failures = 0;
    while (!signal.aborted) {
      this.pending = false;
      this.deps.setToken(this.ctx.tokens.token ?? '');
      const outcome = await this.pass();
      if (signal.aborted) return;
      if (outcome.kind === 'fatal') {
        this.ctx.exit(1, outcome.message);
        return;
      }
      let waitUntil: number | undefined = this.deps.nextEvent();
      if (outcome.kind === 'retry') {
        failures++;
        if (this.settings.exitOnRetryFailure && failures > this.retryAttempts) {
          this.ctx.exit(1, `template rendering failed after ${failures} attempts (exit_on_retry_failure is set): ${outcome.message}`);
          return;
        }
        const wait = retry.next();
        logger.error('error fetching secrets for templates; retrying', { attempt: failures, backoff: `${(wait / 1000).toFixed(2)}s`, error: outcome.message });
        // What failed was not cached; what was fetched stays (no new leases for nothing).
        waitUntil = Date.now() + wait;
      } else {
        failures = 0;
        retry.reset();
        if (outcome.waiting.length === 0) this.firstPassDone();
        // A secret that does not exist yet (never cached) is looked for again at the static interval.
        if (outcome.waiting.length > 0) {
          const again = Date.now() + this.settings.staticSecretRenderInterval * 1000;
          waitUntil = waitUntil === undefined ? again : Math.min(waitUntil, again);
        }
      }
      if (!this.pending) await this.waitUntil(waitUntil);
      if (signal.aborted) return;
      await this.deps.runDue();
    }
  }

  /** Sleeps until `at`, or until kick() (a new token, SIGHUP) or stop() wakes the loop. */
  private async waitUntil(at: number | undefined): Promise<void> {
    const ms = at === undefined ? 2 ** 31 - 1 : Math.max(0, at - Date.now());
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    const inner = new AbortController();
    await Promise.race([sleep(Math.min(ms, 2 ** 31 - 1), inner.signal), woken]);
    inner.abort();
    this.wake = undefined;
  }

  private async pass(): Promise<PassOutcome> {
    const logger = this.ctx.logger.named('template.server');
    const failures: { missing?: MissingSecret; server?: unknown } = {};
    const secretFns = secretFunctions(this.deps);
    const tracked: Record<string, TemplateFunction> = {};
    for (const [name, fn] of Object.entries(secretFns)) {
      tracked[name] = async (...args) => {
        try {
          return await fn(...args);
        } catch (err) {
          if (err instanceof MissingSecret) failures.missing = err;
          else failures.server = err;
          throw err;
        }
      };
    }
    const functions = { ...pureFunctions(this.env), ...tracked };
    const rendered: Array<{ target: Target; text: string }> = [];
    const waiting: string[] = [];
    for (const target of this.targets) {
      failures.missing = undefined;
      failures.server = undefined;
      try {
        rendered.push({ target, text: await target.template.execute(undefined, { missingKeyError: target.missingKeyError, functions }) });
      } catch (err) {
        // Set by the functions while the template ran (TypeScript cannot see that).
        const { server, missing } = failures as { missing?: MissingSecret; server?: unknown };
        if (server !== undefined) return { kind: 'retry', message: errorText(server) };
        if (missing !== undefined) {
          logger.warn('template is waiting for a secret', { template: target.name, reason: missing.message });
          waiting.push(target.name);
          continue;
        }
        const where = target.file ? `template "${target.name}" for "${target.file.destination}"` : target.name;
        return { kind: 'fatal', message: `error rendering ${where}: ${errorText(err)} (nothing was written)` };
      }
    }
    // Everything rendered in memory: now write the files that changed.
    for (const { target, text } of rendered) {
      if (target.file) await this.writeFile(target.file, text);
    }
    const envTargets = this.targets.filter((t) => t.envName !== undefined);
    if (envTargets.length > 0 && this.envListener && envTargets.every((t) => !waiting.includes(t.name))) {
      const env = Object.fromEntries(rendered.filter((r) => r.target.envName !== undefined).map((r) => [r.target.envName!, r.text]));
      const serialized = JSON.stringify(env);
      if (serialized !== this.lastEnv) {
        this.lastEnv = serialized;
        this.envListener(env);
      }
    }
    return { kind: 'ok', waiting };
  }

  private async writeFile(t: TemplateConfig, text: string): Promise<void> {
    const logger = this.ctx.logger.named('template.server');
    try {
      const current = await readFile(t.destination, 'utf8');
      const mode = (await stat(t.destination)).mode & 0o7777;
      if (current === text && mode === t.perms) return;
    } catch {
      // Not there yet.
    }
    try {
      if (t.createDestDirs) await mkdir(dirname(t.destination), { recursive: true, mode: 0o755 });
      await writeFileAtomic(t.destination, text, t.perms);
    } catch (err) {
      logger.error('error writing a template destination', { destination: t.destination, error: errorText(err) });
      return;
    }
    logger.info('rendered template', { destination: t.destination });
    if (t.command) await runTemplateCommand(t.command, t.commandTimeout, this.env, logger);
  }
}
