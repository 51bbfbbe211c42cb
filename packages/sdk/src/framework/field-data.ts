import { CofferError } from '../errors.js';
import { coerceValue, FieldConversionError, zeroValue } from './coerce.js';
import { ownValue } from './own-property.js';
import type { FieldData, FieldSchema } from './types.js';

/**
 * Typed access to a request's fields. Values are converted lazily and
 * cached; validate() converts every sent field up front so that a bad value
 * is refused before the handler runs. A null value counts as "not sent".
 */
export class FrameworkFieldData implements FieldData {
  private readonly cache = new Map<string, unknown>();
  private typedValues: Record<string, unknown> | undefined;

  constructor(
    readonly raw: Record<string, unknown>,
    readonly schema: Record<string, FieldSchema>,
  ) {}

  get<T = unknown>(name: string): T {
    const [value, ok] = this.getOk<T>(name);
    if (ok) return value as T;
    return this.defaultOrZero(name) as T;
  }

  getOk<T = unknown>(name: string): [T | undefined, boolean] {
    const field = this.fieldSchema(name);
    const raw = ownValue(this.raw, name);
    if (raw === undefined || raw === null) return [undefined, false];
    if (!this.cache.has(name)) this.cache.set(name, convert(name, field, raw));
    return [this.cache.get(name) as T, true];
  }

  /** The declared fields as an object (typed for paths declared with definePath). */
  get values(): Record<string, unknown> {
    if (!this.typedValues) {
      const values: Record<string, unknown> = {};
      for (const name of Object.keys(this.schema)) Object.defineProperty(values, name, { enumerable: true, get: () => this.get(name) });
      this.typedValues = Object.freeze(values);
    }
    return this.typedValues;
  }

  has(name: string): boolean {
    return this.getOk(name)[1];
  }

  /** Convert every declared field the client sent; throws invalid_request on the first bad one. */
  validate(): void {
    for (const name of Object.keys(this.raw)) {
      if (ownValue(this.schema, name) !== undefined) this.getOk(name);
    }
  }

  private defaultOrZero(name: string): unknown {
    const field = this.fieldSchema(name);
    if (field.default === undefined || field.default === null) return zeroValue(field.type);
    try {
      return coerceValue(field.type, field.default);
    } catch {
      // A default the author wrote in another shape is still better than nothing.
      return field.default;
    }
  }

  private fieldSchema(name: string): FieldSchema {
    const field = ownValue(this.schema, name);
    if (field === undefined) {
      // A programming error in the backend, not the client's fault.
      throw new CofferError('internal', `field "${name}" is not declared in this path's schema`);
    }
    return field;
  }
}

function convert(name: string, field: FieldSchema, raw: unknown): unknown {
  try {
    return coerceValue(field.type, raw);
  } catch (err) {
    if (err instanceof FieldConversionError) {
      throw new CofferError(
        'invalid_request',
        `Field validation failed: error converting input for field "${name}": ${err.reason}`,
      );
    }
    throw err;
  }
}

export function createFieldData(raw: Record<string, unknown>, schema: Record<string, FieldSchema>): FrameworkFieldData {
  return new FrameworkFieldData(raw, schema);
}
