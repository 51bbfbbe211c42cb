/** A read-only view of an API answer's data, for lookups. */
export function JsonView({ label, value }: { label: string; value: unknown }) {
  return (
    <figure className="json-view">
      <figcaption>{label}</figcaption>
      <pre tabIndex={0} aria-label={label}>
        {JSON.stringify(value, null, 2)}
      </pre>
    </figure>
  );
}
