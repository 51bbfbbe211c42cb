import { ApiError, adviceFor } from '../api/errors';

/** An API error: the server's message, and what to do about it. Announced to screen readers. */
export function ErrorBox({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (error === undefined || error === null) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const messages = error instanceof ApiError ? (error.errors.length > 0 ? error.errors : [`HTTP ${error.status}`]) : [String((error as Error).message ?? error)];
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">
        {status === 403 ? 'Permission denied' : 'Error'}
        {status !== undefined ? ` (HTTP ${status})` : ''}
        {error instanceof ApiError ? (
          <span className="muted">
            {' '}
            on {error.method} /v1/{error.path}
          </span>
        ) : null}
      </p>
      <ul>
        {messages.map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
      <p className="alert-advice">
        <strong>What to do:</strong> {adviceFor(error)}
      </p>
      {onDismiss ? (
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

/** A page that could not load: a 403 becomes the permission-denied page. */
export function PageError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 403) {
    return (
      <section className="denied" aria-labelledby="denied-title">
        <h2 id="denied-title">Permission denied</h2>
        <p>
          Your token may not perform <code>{error.method}</code> on <code>/v1/{error.path}</code>.
        </p>
        <ErrorBox error={error} />
      </section>
    );
  }
  return <ErrorBox error={error} />;
}
