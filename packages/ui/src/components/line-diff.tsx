import { diffLines } from 'diff';

/** A line diff of two texts; added and removed lines are marked in text too, not by colour alone. */
export function LineDiff({ before, after, beforeLabel, afterLabel }: { before: string; after: string; beforeLabel: string; afterLabel: string }) {
  const parts = diffLines(before, after);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <figure className="diff">
      <figcaption>
        Changes from {beforeLabel} to {afterLabel}
        {changed ? '' : ': none'}
      </figcaption>
      <pre tabIndex={0} aria-label={`Diff from ${beforeLabel} to ${afterLabel}`}>
        {parts.flatMap((p, i) =>
          p.value
            .replace(/\n$/, '')
            .split('\n')
            .map((line, j) => (
              <span key={`${i}-${j}`} className={p.added ? 'diff-add' : p.removed ? 'diff-del' : 'diff-same'}>
                {p.added ? '+ ' : p.removed ? '- ' : '  '}
                {line}
                {'\n'}
              </span>
            )),
        )}
      </pre>
    </figure>
  );
}
