import { useId, useState } from 'react';

/**
 * A destructive action that only runs once the user types the exact word
 * (usually the path) it applies to.
 */
export function TypedConfirm({ word, warning, action, onConfirm, onCancel, busy }: { word: string; warning: string; action: string; onConfirm: () => void; onCancel: () => void; busy?: boolean }) {
  const [typed, setTyped] = useState('');
  const id = useId();
  return (
    <div className="confirm" role="alertdialog" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
      <p id={`${id}-t`} className="confirm-title">
        {action}
      </p>
      <p id={`${id}-d`}>{warning}</p>
      <label htmlFor={`${id}-i`}>
        Type <code>{word}</code> to confirm
      </label>
      <input id={`${id}-i`} value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" spellCheck={false} />
      <div className="row">
        <button type="button" className="danger" disabled={typed !== word || busy} onClick={onConfirm}>
          {busy ? 'Working…' : action}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
