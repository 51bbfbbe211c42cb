// Vault wraps its prose (warnings, success notes) with a minimum-raggedness
// line breaker rather than a greedy one, so its lines look balanced. We use the
// same idea so that our multi-line messages break where users expect them to.

/** Width that Vault's CLI wraps prose at. */
export const MAX_LINE_LENGTH = 78;

const TOO_LONG_PENALTY = 100_000;

/**
 * Splits words into lines minimising the sum over all lines (except the last)
 * of (limit - lineLength)^2. A line longer than the limit (a single huge word)
 * costs an extra penalty.
 */
export function wrapWords(words: string[], limit: number): string[][] {
  const n = words.length;
  if (n === 0) return [];
  // lengths[i][j]: length of words i..j joined by single spaces.
  const lineLength = (i: number, j: number): number => {
    let total = 0;
    for (let k = i; k <= j; k++) total += words[k]!.length + (k > i ? 1 : 0);
    return total;
  };
  const cost = new Array<number>(n).fill(Number.MAX_SAFE_INTEGER);
  const nextBreak = new Array<number>(n).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    if (lineLength(i, n - 1) <= limit || i === n - 1) {
      cost[i] = 0;
      nextBreak[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const len = lineLength(i, j - 1);
      const slack = limit - len;
      let c = slack * slack + cost[j]!;
      if (len > limit) c += TOO_LONG_PENALTY;
      if (c < cost[i]!) {
        cost[i] = c;
        nextBreak[i] = j;
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = nextBreak[i]!) lines.push(words.slice(i, nextBreak[i]));
  return lines;
}

/** Wraps text (newlines are treated as spaces) to at most `limit` columns. */
export function wrap(text: string, limit: number): string {
  const words = text.trim().replace(/\n/g, ' ').split(' ');
  return wrapWords(words, limit)
    .map((line) => line.join(' '))
    .join('\n');
}

/** Wraps prose the way Vault's CLI does, optionally indenting every line. */
export function wrapAtLength(text: string, pad = 0): string {
  return wrap(text, MAX_LINE_LENGTH - pad)
    .split('\n')
    .map((line) => ' '.repeat(pad) + line)
    .join('\n');
}
