// Per-invocation state handed to a command: parsed flags and arguments, the
// output helper, and a lazily built API client.
import { ApiClient } from '../api/client.js';
import { clientOptions } from '../api/config.js';
import { TokenHelper } from '../api/token-helper.js';
import { httpFlagValues } from './flag-sets.js';
import type { FlagValues } from './flags.js';
import type { Io } from './io.js';
import type { Ui } from './ui.js';

export class Context {
  private cachedClient: ApiClient | undefined;
  private stdinText: Promise<string> | undefined;

  constructor(
    readonly io: Io,
    readonly ui: Ui,
    readonly flags: FlagValues,
    readonly args: string[],
  ) {}

  get format(): string {
    return this.ui.format;
  }

  /** The -field value, or "" when not given. */
  get field(): string {
    return this.flags.string('field') ?? '';
  }

  tokenHelper(): TokenHelper {
    return new TokenHelper(this.io.homeDir);
  }

  /**
   * The API client: address/TLS from VAULT_* and flags, token from
   * VAULT_TOKEN or else the token helper (~/.vault-token).
   * Throws ClientConfigError for bad settings.
   */
  client(): ApiClient {
    if (!this.cachedClient) {
      const options = clientOptions(this.io.env, httpFlagValues(this.flags));
      const token = options.token ?? this.tokenHelper().get();
      this.cachedClient = new ApiClient(options, token || undefined);
    }
    return this.cachedClient;
  }

  /** The cURL command captured by -output-curl-string, if a request was stopped. */
  get capturedCurl(): string | undefined {
    return this.cachedClient?.capturedCurl;
  }

  /** All of stdin, read once (later calls get the same text). */
  readStdin(): Promise<string> {
    this.stdinText ??= new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.io.stdin.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
      this.io.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      this.io.stdin.on('error', reject);
      this.io.stdin.resume();
    });
    return this.stdinText;
  }
}
