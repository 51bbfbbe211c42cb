// Types of build.mjs, for TypeScript callers (tests).
export declare const POSTGRES_DB_PLUGINS: Record<string, string>;
export interface BuiltPostgresDbPlugin {
  /** "my-db-plugin-v1" or "my-db-plugin-v2". */
  name: string;
  /** Absolute path of the executable. */
  file: string;
  sha256: string;
  bytes: number;
}
export declare function buildPostgresDbPlugins(outDir: string): Promise<BuiltPostgresDbPlugin[]>;
