import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/**
 * The frame of a labelled control: the label, the control (given its id and
 * the id of the hint for aria-describedby) and the optional hint.
 */
function LabelledControl({ label, hint, control }: { label: string; hint?: ReactNode; control: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control(id, hint ? `${id}-h` : undefined)}
      {hint ? (
        <small id={`${id}-h`} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled input with an optional hint, wired with aria-describedby. */
export function Field({ label, hint, ...input }: { label: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <LabelledControl
      label={label}
      hint={hint}
      control={(id, describedBy) => <input id={id} aria-describedby={describedBy} autoComplete="off" spellCheck={false} {...input} />}
    />
  );
}

export function Select({ label, value, onChange, options, hint }: { label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; hint?: string }) {
  return (
    <LabelledControl
      label={label}
      hint={hint}
      control={(id, describedBy) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function TextArea({ label, value, onChange, rows = 6, hint }: { label: string; value: string; onChange: (v: string) => void; rows?: number; hint?: string }) {
  return (
    <LabelledControl
      label={label}
      hint={hint}
      control={(id, describedBy) => (
        <textarea id={id} value={value} rows={rows} onChange={(e) => onChange(e.target.value)} spellCheck={false} aria-describedby={describedBy} />
      )}
    />
  );
}

/** Comma-separated input to a list ("a, b" → ["a","b"]). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
