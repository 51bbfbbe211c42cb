/** What `coffer server` hands to runServer (flags already parsed by the CLI). */
export interface ServerOptions {
  dev: boolean;
  devRootTokenId?: string;
  devListenAddress?: string;
  devPluginDir?: string;
  configPaths: string[];
  logLevel?: string;
  /** Do not install SIGINT/SIGTERM handlers (tests, embedding). */
  noSignalHandlers?: boolean;
  /** Do not write ~/.vault-token in dev mode (tests). */
  noTokenHelper?: boolean;
  /** Where banners go (default process.stdout). */
  out?: NodeJS.WritableStream;
}

export interface RunningServer {
  /** http(s)://host:port of the first listener. */
  address: string;
  /** Dev mode only. */
  rootToken?: string;
  unsealKey?: string;
  close(): Promise<void>;
}
