import { invalidRequest } from '@coffer/sdk';

/**
 * Bounds on the shape of a JSON request body, as Vault's listener options
 * max_json_depth, max_json_string_value_length, max_json_object_entry_count
 * and max_json_array_element_count (same names and defaults). A body past
 * any of them is a 400 before it is parsed, so that a deeply nested or
 * enormous document can never exhaust the stack or the heap further in.
 */
export interface JsonLimits {
  maxDepth: number;
  /** Characters of one string (object keys included), after escapes are decoded. */
  maxStringValueLength: number;
  maxObjectEntryCount: number;
  maxArrayElementCount: number;
}

export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = {
  maxDepth: 500,
  maxStringValueLength: 1024 * 1024,
  maxObjectEntryCount: 10_000,
  maxArrayElementCount: 10_000,
};

interface Container {
  isObject: boolean;
  /** Commas seen directly in this container. */
  separators: number;
  /** Whether anything but whitespace appeared directly inside it. */
  nonEmpty: boolean;
}

/**
 * One linear, non-recursive pass over the text. Malformed JSON is left to
 * JSON.parse to report; this pass only counts.
 */
export function checkJsonLimits(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): void {
  const stack: Container[] = [];
  const backslashes = { next: text.indexOf('\\') };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = skipString(text, i, limits.maxStringValueLength, backslashes);
      markNonEmpty(stack);
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      markNonEmpty(stack);
      if (stack.length + 1 > limits.maxDepth) {
        throw invalidRequest(`error parsing JSON: the body is nested more than ${limits.maxDepth} levels deep (the listener's max_json_depth)`);
      }
      stack.push({ isObject: c === 0x7b, separators: 0, nonEmpty: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const top = stack.pop();
      if (top) checkCount(top, top.nonEmpty ? top.separators + 1 : 0, limits);
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) {
        top.separators += 1;
        checkCount(top, top.separators + 1, limits);
      }
    } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x3a /* : */) {
      markNonEmpty(stack);
    }
    i += 1;
  }
}

function markNonEmpty(stack: Container[]): void {
  const top = stack[stack.length - 1];
  if (top) top.nonEmpty = true;
}

function checkCount(container: Container, count: number, limits: JsonLimits): void {
  if (container.isObject && count > limits.maxObjectEntryCount) {
    throw invalidRequest(`error parsing JSON: an object has more than ${limits.maxObjectEntryCount} entries (the listener's max_json_object_entry_count)`);
  }
  if (!container.isObject && count > limits.maxArrayElementCount) {
    throw invalidRequest(`error parsing JSON: an array has more than ${limits.maxArrayElementCount} elements (the listener's max_json_array_element_count)`);
  }
}

/**
 * Index just past the string that starts at `start`, checking its decoded
 * length. `backslashes` remembers where the next backslash of the text is,
 * so each search runs over the text once in all (not once per string).
 */
function skipString(text: string, start: number, maxLength: number, backslashes: { next: number }): number {
  let length = 0;
  let i = start + 1;
  for (;;) {
    // Jump from one quote or backslash to the next: most of a body is plain string content.
    const quote = text.indexOf('"', i);
    const end = quote === -1 ? text.length : quote;
    if (backslashes.next !== -1 && backslashes.next < i) backslashes.next = text.indexOf('\\', i);
    const backslash = backslashes.next;
    if (backslash === -1 || backslash > end) {
      length += end - i;
      checkLength(length, maxLength);
      return quote === -1 ? text.length : quote + 1;
    }
    // An escape is one character once decoded: \n, \", or \uXXXX.
    length += backslash - i + 1;
    checkLength(length, maxLength);
    i = backslash + (text.charCodeAt(backslash + 1) === 0x75 ? 6 : 2);
  }
}

function checkLength(length: number, maxLength: number): void {
  if (length > maxLength) {
    throw invalidRequest(`error parsing JSON: a string is longer than ${maxLength} characters (the listener's max_json_string_value_length)`);
  }
}
