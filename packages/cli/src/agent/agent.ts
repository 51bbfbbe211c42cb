// One running agent: auto-auth feeding sinks, templates, the process
// supervisor and the API proxy, until it is stopped or has nothing left to do.
import type { ApiClient } from '../api/client.js';
import { AuthExitError, AuthHandler, type AuthResult } from './auth/handler.js';
import { createAuthMethod } from './auth/methods.js';
import { agentClient } from './client.js';
import type { AgentConfig } from './config/types.js';
import { oneLine } from './error-text.js';
import type { Logger } from './logger.js';
import type { AgentMetrics } from './metrics.js';
import { FileSink } from './sink/file-sink.js';
import { TokenState } from './token-state.js';

export interface AgentOptions {
  config: AgentConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  exitAfterAuth: boolean;
  metrics?: AgentMetrics;
}

/** A part of the agent with its own life (templates, exec, proxy). */
export interface AgentPart {
  /** Checks and prepares everything that can fail before a file is written. */
  prepare?(): Promise<void>;
  start(ctx: PartContext): Promise<void>;
  /** SIGHUP. */
  reload?(): Promise<void>;
  stop(): Promise<void>;
}

export interface PartContext {
  client: ApiClient;
  tokens: TokenState;
  logger: Logger;
  /** Ends the agent with this exit code (a template failure, the child exiting, /agent/v1/quit). */
  exit(code: number, reason?: string): void;
  signal: AbortSignal;
}

export class Agent {
  readonly client: ApiClient;
  readonly tokens = new TokenState();
  private readonly sinks: FileSink[];
  private readonly parts: AgentPart[] = [];
  private readonly ready: Array<Promise<void>> = [];
  private readonly abort = new AbortController();
  private exitCode = 0;
  private finished!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.finished = resolve));
  private firstAuth!: () => void;
  /** Settles after the first token went to the sinks. */
  readonly authenticated = new Promise<void>((resolve) => (this.firstAuth = resolve));

  constructor(private readonly options: AgentOptions) {
    this.client = agentClient(options.config.vault, options.env);
    const sinkLogger = options.logger.named('sink.file');
    this.sinks = (options.config.autoAuth?.sinks ?? []).map((s) => new FileSink(s, this.client, sinkLogger, options.env));
  }

  addPart(part: AgentPart): void {
    this.parts.push(part);
  }

  /** -exit-after-auth also waits for this (the first template render). */
  addReady(ready: Promise<void>): void {
    this.ready.push(ready);
  }

  /** Runs the agent; resolves to the process exit code. */
  async run(): Promise<number> {
    const { config, logger } = this.options;
    for (const sink of this.sinks) await sink.check();
    for (const part of this.parts) await part.prepare?.();

    const ctx: PartContext = {
      client: this.client,
      tokens: this.tokens,
      logger,
      exit: (code, reason) => this.shutdown(code, reason),
      signal: this.abort.signal,
    };
    if (config.autoAuth) {
      const methodLogger = logger.named(`auth.${config.autoAuth.method.type}`);
      const method = createAuthMethod({ config: config.autoAuth.method, client: this.client, logger: methodLogger });
      const handler = new AuthHandler(method, config.autoAuth.method, this.client, logger.named('auth.handler'), (r) => this.onAuth(r), this.options.metrics);
      handler.run(this.abort.signal).catch((err: unknown) => {
        if (err instanceof AuthExitError) this.shutdown(1, `${err.message} (exit_on_err is set)`);
        else this.shutdown(1, `auto-auth failed: ${(err as Error).message}`);
      });
    } else {
      const token = this.options.env.VAULT_TOKEN;
      if (token) this.tokens.set(token);
      this.firstAuth();
    }
    for (const part of this.parts) await part.start(ctx);
    if (this.options.exitAfterAuth) {
      void Promise.all([this.authenticated, ...this.ready]).then(() => this.shutdown(0, 'exit_after_auth is set: exiting after the first authentication'));
    }
    return this.done;
  }

  private async onAuth(result: AuthResult): Promise<void> {
    for (const sink of this.sinks) {
      try {
        await sink.write(result.token ?? '', result.sinkText);
      } catch (err) {
        this.options.logger.named('sink.file').error('error writing the sink', { path: sink.config.path, error: oneLine((err as Error).message) });
      }
    }
    if (result.token !== undefined) this.tokens.set(result.token);
    this.firstAuth();
  }

  /** SIGHUP: templates are read and rendered again. */
  async reload(): Promise<void> {
    this.options.logger.info('SIGHUP received: reloading templates');
    for (const part of this.parts) await part.reload?.();
  }

  shutdown(code: number, reason?: string): void {
    if (this.abort.signal.aborted) return;
    this.exitCode = code;
    if (reason) (code === 0 ? this.options.logger.info(reason) : this.options.logger.error(reason));
    this.abort.abort();
    void (async () => {
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
        } catch (err) {
          this.options.logger.warn('error while stopping', { error: oneLine((err as Error).message) });
        }
      }
      this.finished(this.exitCode);
    })();
  }
}
