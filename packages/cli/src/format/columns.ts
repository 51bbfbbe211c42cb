// Column layout for Vault's tables: cells split on a delimiter, trimmed,
// empty cells shown as "n/a", every column but the last padded to its widest
// cell, columns joined with four spaces.

export const DEFAULT_DELIMITER = '|';
/** Delimiter for rows whose values may contain "|" (secret data). */
export const SECRET_DELIMITER = '♨';

const GLUE = '    ';
const EMPTY = 'n/a';

/** Lays out delimited rows as aligned columns. */
export function columnOutput(rows: string[], delimiter = DEFAULT_DELIMITER): string {
  if (rows.length === 0) return '';
  const cells = rows.map((row) =>
    row.split(delimiter).map((cell) => {
      const trimmed = cell.trim();
      return trimmed === '' ? EMPTY : trimmed;
    }),
  );
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell)) + GLUE))
        .join(''),
    )
    .join('\n');
}

/** Like columnOutput, with a dashed line under the header row. */
export function tableOutput(rows: string[], delimiter = DEFAULT_DELIMITER): string {
  if (rows.length === 0) return '';
  const header = rows[0]!.split(delimiter).map((h) => '-'.repeat(displayWidth(h.trim())));
  return columnOutput([rows[0]!, header.join(delimiter), ...rows.slice(1)], delimiter);
}

/** Width in terminal columns, counting code points (not UTF-16 units). */
function displayWidth(text: string): number {
  return [...text].length;
}
