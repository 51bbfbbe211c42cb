// Types of build-database-plugins.mjs, for TypeScript callers (tests).
export declare const DATABASE_PLUGINS: Record<string, string>;
export interface BuiltDatabasePlugin {
  name: string;
  /** Absolute path of the executable. */
  file: string;
  sha256: string;
  bytes: number;
}
export declare function buildDatabasePlugins(outDir: string, options?: { only?: string[] }): Promise<BuiltDatabasePlugin[]>;
