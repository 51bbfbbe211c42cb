import type { Request } from '../logical/request.js';
import type { Response } from '../logical/response.js';
import type { FieldData, FieldSchema, FieldType, OperationHandler, PathDefinition } from './types.js';
import type { Operation } from '../logical/request.js';

/** What a field of each type is once coerced (field-data.ts / coerce.ts). */
export interface FieldTypeValues {
  string: string;
  'lowercase-string': string;
  name: string;
  int: number;
  int64: number;
  float: number;
  bool: boolean;
  duration: number;
  map: Record<string, unknown>;
  kvpairs: Record<string, string>;
  slice: unknown[];
  'string-slice': string[];
  'comma-string-slice': string[];
  'comma-int-slice': number[];
  header: Record<string, string[]>;
  time: Date | null;
}

export type FieldValue<T extends FieldType> = FieldTypeValues[T];

/** A path's declared fields as a typed object: each the value sent, or its default, or its type's zero value. */
export type TypedFields<F extends Record<string, FieldSchema>> = { readonly [K in keyof F]: FieldValue<F[K]['type']> };

/** Field access for a path declared with definePath: `d.values.ttl` is typed; a misspelt name does not compile. */
export interface TypedFieldData<F extends Record<string, FieldSchema>> extends FieldData {
  readonly values: TypedFields<F>;
  /** Whether the client sent the field (as opposed to getting its default). */
  has(name: keyof F & string): boolean;
}

export type TypedOperationCallback<F extends Record<string, FieldSchema>> = (req: Request, data: TypedFieldData<F>) => Promise<Response | null>;

export interface TypedOperationHandler<F extends Record<string, FieldSchema>> extends Omit<OperationHandler, 'callback'> {
  callback: TypedOperationCallback<F>;
}

/** A PathDefinition whose handlers see their fields typed (see definePath). */
export interface TypedPathDefinition<F extends Record<string, FieldSchema>> extends Omit<PathDefinition, 'fields' | 'operations' | 'existenceCheck'> {
  fields: F;
  operations: Partial<Record<Operation, TypedOperationHandler<F> | TypedOperationCallback<F>>>;
  existenceCheck?: (req: Request, data: TypedFieldData<F>) => Promise<boolean>;
}

/**
 * Declares a path whose handlers get a typed view of its fields:
 *
 *   definePath({
 *     pattern: 'roles/(?<name>\\w+)',
 *     fields: { name: { type: 'string' }, ttl: { type: 'duration' } },
 *     operations: { update: async (req, d) => { d.values.ttl; … } },   // number; d.values.tll does not compile
 *   });
 *
 * `get<T>(name)` stays for fields that really are dynamic.
 */
export function definePath<const F extends Record<string, FieldSchema>>(definition: TypedPathDefinition<F>): PathDefinition {
  // The framework hands every handler a FrameworkFieldData, which has `values` and `has` for the path's own fields.
  return definition as unknown as PathDefinition;
}
