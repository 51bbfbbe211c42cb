import { useState } from 'react';
import { ErrorBox } from '../components/error-box';
import { Checkbox } from '../components/fields';

/**
 * Edits a secret's key/value pairs as a form or as JSON. Values that are not
 * strings (numbers, objects) are kept as JSON in the form.
 */
export function KvEditor({ initial, onSave, onCancel, busy, error, saveLabel }: { initial: Record<string, unknown>; onSave: (data: Record<string, unknown>) => void; onCancel?: () => void; busy: boolean; error: unknown; saveLabel: string }) {
  const [asJson, setAsJson] = useState(false);
  const [rows, setRows] = useState<[string, string][]>(() => {
    const entries = Object.entries(initial).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    return entries.length > 0 ? entries : [['', '']];
  });
  const [json, setJson] = useState(() => JSON.stringify(initial, null, 2));
  const [localError, setLocalError] = useState('');

  const fromRows = (): Record<string, unknown> => Object.fromEntries(rows.filter(([k]) => k.trim() !== '').map(([k, v]) => [k.trim(), v]));
  const toggle = (next: boolean) => {
    setLocalError('');
    if (next) setJson(JSON.stringify(fromRows(), null, 2));
    else {
      try {
        const parsed = JSON.parse(json) as Record<string, unknown>;
        setRows(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      } catch (e) {
        setLocalError(`The JSON is not valid (${(e as Error).message}); fix it before switching to the form.`);
        return;
      }
    }
    setAsJson(next);
  };
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    setLocalError('');
    if (asJson) {
      try {
        const parsed: unknown = JSON.parse(json);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the secret must be a JSON object');
        onSave(parsed as Record<string, unknown>);
      } catch (err) {
        setLocalError(`The JSON is not valid: ${(err as Error).message}.`);
      }
      return;
    }
    const keys = rows.map(([k]) => k.trim()).filter(Boolean);
    if (keys.length === 0) return setLocalError('Add at least one key.');
    if (new Set(keys).size !== keys.length) return setLocalError('Two rows have the same key; keys must be unique.');
    onSave(fromRows());
  };
  return (
    <form onSubmit={save} className="panel" aria-label="Secret editor">
      <Checkbox label="Edit as JSON" checked={asJson} onChange={toggle} />
      {asJson ? (
        <div className="field">
          <label htmlFor="kv-json">Secret data (JSON)</label>
          <textarea id="kv-json" rows={10} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} className="mono" />
        </div>
      ) : (
        <fieldset>
          <legend>Keys and values</legend>
          {rows.map(([k, v], i) => (
            <div className="kv-row" key={i}>
              <input aria-label={`Key ${i + 1}`} value={k} placeholder="key" onChange={(e) => setRows(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} autoComplete="off" spellCheck={false} />
              <input aria-label={`Value ${i + 1}`} value={v} placeholder="value" type="password" onChange={(e) => setRows(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} autoComplete="new-password" spellCheck={false} />
              <button type="button" className="small" aria-label={`Remove row ${i + 1}`} onClick={() => setRows(rows.length > 1 ? rows.filter((_, j) => j !== i) : [['', '']])}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="small" onClick={() => setRows([...rows, ['', '']])}>
            Add a key
          </button>
        </fieldset>
      )}
      {localError ? (
        <p className="alert alert-error" role="alert">
          {localError}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : saveLabel}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
