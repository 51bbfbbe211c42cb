// exec { command, restart_on_secret_changes, restart_stop_signal }: runs the
// application with its env_template values in the environment, restarts it
// (once per change) when they change, forwards the agent's signals to it, and
// ends the agent with the child's exit code when the child ends on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { KeyedMutex } from '@coffer/sdk';
import type { AgentPart, PartContext } from '../agent.js';
import type { ExecConfig } from '../config/types.js';
import type { Logger } from '../logger.js';

const STOP_GRACE_MS = 10_000;

export class ExecSupervisor implements AgentPart {
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private ctx!: PartContext;
  private logger!: Logger;
  private restarting = false;
  private stopped = false;
  /** Env updates apply one at a time, in order (a restart finishes before the next starts). */
  private readonly turns = new KeyedMutex();

  constructor(
    private readonly config: ExecConfig,
    private readonly baseEnv: NodeJS.ProcessEnv,
    /** With env_template stanzas the child waits for their first render. */
    private readonly waitsForEnv: boolean,
  ) {}

  async start(ctx: PartContext): Promise<void> {
    this.ctx = ctx;
    this.logger = ctx.logger.named('exec.server');
    if (!this.waitsForEnv) void ctx.tokens.wait().then(() => this.update({}));
  }

  /** New env_template values: start the child, or restart it when they changed. */
  update(env: Record<string, string>): void {
    void this.turns.run('child', () => this.apply(env)).catch((err: unknown) => this.ctx.exit(1, `exec: ${(err as Error).message}`));
  }

  private async apply(env: Record<string, string>): Promise<void> {
    if (this.stopped) return;
    if (this.child) {
      if (this.config.restartOnSecretChanges === 'never') {
        this.logger.info('secrets changed; not restarting the process (restart_on_secret_changes = "never")');
        return;
      }
      this.logger.info('secrets changed; restarting the process', { signal: this.config.restartStopSignal });
      this.restarting = true;
      await this.stopChild(this.config.restartStopSignal);
      this.restarting = false;
    }
    this.spawnChild(env);
  }

  private spawnChild(env: Record<string, string>): void {
    const [file, ...args] = this.config.command;
    const child = spawn(file!, args, { stdio: 'inherit', env: { ...this.baseEnv, ...env } });
    this.child = child;
    this.logger.info('process started', { command: file, pid: child.pid ?? 'none' });
    this.childExited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.logger.error('the process could not start', { command: file, error: err.message });
        if (this.child === child) this.child = undefined;
        if (!this.stopped) this.ctx.exit(1, `exec: cannot run ${JSON.stringify(file)}: ${err.message}`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        resolve();
        if (this.restarting || this.stopped) return;
        // The application ended by itself: the agent ends with its code.
        const exitCode = code ?? 128 + ((signal && constants.signals[signal]) || 0);
        this.ctx.exit(exitCode, `the process exited with code ${exitCode}; stopping the agent`);
      });
    });
  }

  private async stopChild(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.childExited;
    clearTimeout(timer);
  }

  /** Passes a signal the agent received on to the child. */
  forward(signal: NodeJS.Signals): boolean {
    if (!this.child) return false;
    this.child.kill(signal);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopChild('SIGTERM');
  }
}
