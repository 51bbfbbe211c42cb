import { useState } from 'react';

/** A secret value, hidden until asked for; it can be copied without ever being shown. */
export function SecretValue({ name, value }: { name: string; value: string }) {
  const [shown, setShown] = useState(false);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      setCopied('The browser refused clipboard access; use Show and copy by hand.');
    }
    setTimeout(() => setCopied(''), 3000);
  };
  return (
    <span className="secret-value">
      <code className={shown ? 'shown' : 'masked'}>{shown ? value : '••••••••'}</code>
      <button type="button" className="small" onClick={() => setShown(!shown)} aria-pressed={shown} aria-label={`${shown ? 'Hide' : 'Show'} value of ${name}`}>
        {shown ? 'Hide' : 'Show'}
      </button>
      <button type="button" className="small" onClick={copy} aria-label={`Copy value of ${name}`}>
        Copy
      </button>
      <span role="status" className="muted">
        {copied}
      </span>
    </span>
  );
}

/** A value shown once (a new token, unseal keys): selectable, copyable, with a warning. */
export function OneTime({ label, value }: { label: string; value: string }) {
  return (
    <div className="one-time">
      <span className="one-time-label">{label}</span>
      <code className="shown" tabIndex={0}>
        {value}
      </code>
      <button type="button" className="small" aria-label={`Copy ${label}`} onClick={() => void navigator.clipboard.writeText(value).catch(() => undefined)}>
        Copy
      </button>
    </div>
  );
}
