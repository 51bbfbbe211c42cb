import type { BackendType, SpecialPaths } from '../logical/backend.js';
import type { Operation, Request } from '../logical/request.js';
import type { Response } from '../logical/response.js';
import type { Storage } from '../storage/storage.js';

/** Field types, as Vault's framework names them. */
export type FieldType =
  | 'string'
  | 'lowercase-string'
  | 'name'
  | 'int'
  | 'int64'
  | 'float'
  | 'bool'
  | 'duration' // seconds; accepts 30, "30", "30s", "5m", "1h30m", "2d"
  | 'map' // object
  | 'kvpairs' // ["a=b"] or {a: "b"} → Record<string,string>
  | 'slice' // array of anything
  | 'string-slice' // array of strings; a string becomes a one-element array
  | 'comma-string-slice' // "a,b" or ["a","b"] → string[]
  | 'comma-int-slice'
  | 'header'
  | 'time';

export interface FieldSchema {
  type: FieldType;
  description?: string;
  default?: unknown;
  required?: boolean;
  allowedValues?: unknown[];
  /** Field comes from the query string (documented as such in OpenAPI). */
  query?: boolean;
  deprecated?: boolean;
  displayAttrs?: { name?: string; sensitive?: boolean; group?: string; value?: unknown };
}

/** Parsed, type-coerced access to a request's fields. */
export interface FieldData {
  /** The coerced value, or the schema default (or the type's zero value) when absent. */
  get<T = unknown>(name: string): T;
  /** The coerced value and whether the client sent it. */
  getOk<T = unknown>(name: string): [T | undefined, boolean];
  /** Values captured by the path pattern plus the body fields, before coercion. */
  readonly raw: Record<string, unknown>;
  readonly schema: Record<string, FieldSchema>;
}

export type OperationCallback = (req: Request, data: FieldData) => Promise<Response | null>;

export interface OperationHandler {
  callback: OperationCallback;
  summary?: string;
  description?: string;
  /** Hide from OpenAPI. */
  unpublished?: boolean;
  deprecated?: boolean;
}

export interface PathDefinition {
  /**
   * A regular expression matched against the whole path relative to the
   * mount (anchored by the framework). Named groups `(?<name>...)` become
   * fields.
   */
  pattern: string;
  fields?: Record<string, FieldSchema>;
  operations: Partial<Record<Operation, OperationHandler | OperationCallback>>;
  /** Decides between create and update for POST/PUT; absent means "always update". */
  existenceCheck?: (req: Request, data: FieldData) => Promise<boolean>;
  /** Accept body fields that are not in `fields` without a warning. */
  takesArbitraryInput?: boolean;
  helpSynopsis?: string;
  helpDescription?: string;
  displayAttrs?: { navigation?: boolean; itemType?: string; action?: string; operationPrefix?: string };
}

/** A kind of lease a backend hands out, with its renew and revoke handlers. */
export interface SecretType {
  type: string;
  fields?: Record<string, FieldSchema>;
  /** Default TTL in seconds (0: the mount's default). */
  defaultDuration?: number;
  renew?: OperationCallback;
  revoke?: OperationCallback;
}

export interface FrameworkBackendOptions {
  type: BackendType;
  /** Help text for the backend as a whole (path-help on the mount root). */
  help: string;
  paths: PathDefinition[];
  pathsSpecial?: SpecialPaths;
  secrets?: SecretType[];
  /** Called by initialize() with the mount's storage. */
  initialize?: (req: { storage: Storage }) => Promise<void>;
  clean?: () => Promise<void>;
  invalidate?: (key: string) => Promise<void> | void;
  /** Reported by pluginVersion(); built-ins report "" and get a "+builtin" version from the catalog. */
  runningVersion?: string;
  /** Called by the core's periodic function (tidy, rotation). */
  periodic?: (req: { storage: Storage }) => Promise<void>;
  /**
   * Auth methods: renew a token this method issued (the request carries
   * `auth`, including its internalData). Without it such renewals are refused.
   */
  authRenew?: OperationCallback;
}
