// Types of build.mjs, for TypeScript callers (tests, benchmarks).
export declare const EXAMPLES: Record<string, string>;
export interface BuiltExample {
  /** Output file name, e.g. "kv-secrets-v2". */
  name: string;
  /** Absolute path of the executable. */
  file: string;
  sha256: string;
  bytes: number;
}
export declare function buildExamples(outDir: string, options?: { only?: string[] }): Promise<BuiltExample[]>;
