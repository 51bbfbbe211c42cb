import { CofferError, invalidRequest, isCofferError, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchInputField } from './fields.js';

export type BatchItem = Record<string, unknown>;
export type BatchResult = Record<string, unknown> & { error?: string };

/**
 * The items of a request: "batch_input" when sent, else one item made of
 * the request's own fields. Items must be JSON objects.
 */
export function batchItems(d: TypedFieldData<{ batch_input: typeof batchInputField }>, single: BatchItem): { items: BatchItem[]; batch: boolean } {
  if (!d.has('batch_input')) return { items: [single], batch: false };
  const input = d.values.batch_input;
  if (input.length === 0) throw invalidRequest('missing batch input to process');
  const items = input.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidRequest('batch_input items must be JSON objects');
    return item as BatchItem;
  });
  return { items, batch: true };
}

/** A string field of a batch item ("" when absent); other JSON types are refused. */
export function itemString(item: BatchItem, field: string): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidRequest(`${field} must be a string`);
  return value;
}

export function itemInt(item: BatchItem, field: string): number {
  const value = item[field];
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw invalidRequest(`${field} must be an integer`);
  return n;
}

/**
 * Run one item; a caller error becomes the item's "error", anything else
 * fails the request. An item's "reference" is echoed back, as Vault does, so
 * callers can match results to inputs.
 */
export async function runItem(item: BatchItem, work: () => Promise<BatchResult> | BatchResult): Promise<BatchResult> {
  const reference = typeof item['reference'] === 'string' ? { reference: item['reference'] } : {};
  try {
    return { ...(await work()), ...reference };
  } catch (err) {
    if (isCofferError(err) && err.code === 'invalid_request') return { error: err.message, ...reference };
    throw err;
  }
}

/** runItem over every item, one after the other, results in the items' order. */
export async function runItems(items: BatchItem[], work: (item: BatchItem) => Promise<BatchResult> | BatchResult): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (const item of items) results.push(await runItem(item, () => work(item)));
  return results;
}

/**
 * The answer: a single item's fields (or its error as a 400), or
 * "batch_results" with a 400 (or partial_failure_response_code) when any
 * item failed, as Vault answers since 1.14.
 */
export function batchResponse(results: BatchResult[], batch: boolean, partialFailureCode = 0): Response {
  if (!batch) {
    const only = results[0]!;
    if (only.error !== undefined) throw new CofferError('invalid_request', only.error);
    return { data: only };
  }
  const failed = results.some((r) => r.error !== undefined);
  return { data: { batch_results: results }, ...(failed ? { statusCode: partialFailureCode || 400 } : {}) };
}
