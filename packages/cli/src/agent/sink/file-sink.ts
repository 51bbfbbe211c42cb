// sink "file": writes what auto-auth produced (token or wrap info), wrapped
// and DH-encrypted when configured, atomically and never world-readable.
import { dirname } from 'node:path';
import type { ApiClient } from '../../api/client.js';
import { checkWritableDir, writeFileAtomic } from '../atomic-write.js';
import type { SinkConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { dhEncrypt, readDhPublicKey } from './dh-encrypt.js';

export class SinkError extends Error {}

export class FileSink {
  readonly mode: number;

  constructor(
    readonly config: SinkConfig,
    private readonly client: ApiClient,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    // Whatever the config says, the token is not for every user of the machine.
    this.mode = config.mode & 0o770;
    if (this.mode !== config.mode) {
      logger.warn('sink mode gave access to all users; those bits are removed', { path: config.path, mode: '0' + this.mode.toString(8) });
    }
  }

  /** Checks at start that the sink can be written (Vault fails start the same way). */
  async check(): Promise<void> {
    const dir = dirname(this.config.path);
    const problem = await checkWritableDir(dir);
    if (problem !== undefined) throw new SinkError(`sink "file" path "${this.config.path}": cannot write in directory "${dir}": ${problem}`);
    if (this.config.dhPath !== undefined) await readDhPublicKey(this.config.dhPath);
  }

  async write(token: string, sinkText: string): Promise<void> {
    let text = sinkText;
    if (this.config.wrapTtl) text = await this.wrap(token);
    if (this.config.dhPath !== undefined) {
      const theirs = await readDhPublicKey(this.config.dhPath);
      const aad = this.config.aadEnvVar !== undefined ? (this.env[this.config.aadEnvVar] ?? '') : (this.config.aad ?? '');
      text = JSON.stringify(dhEncrypt(text, theirs, this.config.deriveKey, aad));
    }
    await writeFileAtomic(this.config.path, text, this.mode);
    this.logger.info('token written', { path: this.config.path });
  }

  /** Response-wraps the token (sys/wrapping/wrap); the file gets the wrap info JSON. */
  private async wrap(token: string): Promise<string> {
    const secret = await this.client.secret('PUT', 'sys/wrapping/wrap', {
      body: { token },
      token,
      noWrap: true,
      headers: { 'X-Vault-Wrap-TTL': String(this.config.wrapTtl) },
    });
    if (!secret?.wrap_info?.token) throw new SinkError('the server did not wrap the token for the sink');
    return JSON.stringify(secret.wrap_info);
  }
}
