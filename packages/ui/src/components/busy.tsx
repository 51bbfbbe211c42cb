/** Shown while work runs: a live region, so screen readers hear it too. */
export function Busy({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A determinate progress bar (e.g. unseal key shares). */
export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <div className="progress-wrap">
      <label>
        {label}: {value} of {max}
        <progress value={value} max={max} />
      </label>
    </div>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <p className="alert alert-ok" role="status">
      {children}
    </p>
  );
}
