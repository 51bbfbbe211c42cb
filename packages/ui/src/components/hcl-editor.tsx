import { useId, useRef } from 'react';
import { tokenizeHcl } from './hcl-highlight';

/**
 * A plain textarea (so typing, selection, undo and screen readers work as
 * usual) over a highlighted copy of its text that scrolls with it.
 */
export function HclEditor({ label, value, onChange, describedBy }: { label: string; value: string; onChange: (v: string) => void; describedBy?: string }) {
  const id = useId();
  const pre = useRef<HTMLPreElement>(null);
  const sync = (e: React.UIEvent<HTMLTextAreaElement>) => {
    if (pre.current) {
      pre.current.scrollTop = e.currentTarget.scrollTop;
      pre.current.scrollLeft = e.currentTarget.scrollLeft;
    }
  };
  // Tab inserts two spaces; Escape then Tab leaves the editor (keyboard users are not trapped).
  const escaped = useRef(false);
  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      escaped.current = true;
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey && !escaped.current) {
      e.preventDefault();
      const t = e.currentTarget;
      const start = t.selectionStart;
      const next = value.slice(0, start) + '  ' + value.slice(t.selectionEnd);
      onChange(next);
      requestAnimationFrame(() => t.setSelectionRange(start + 2, start + 2));
    }
    escaped.current = false;
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <small className="hint" id={`${id}-k`}>
        Tab indents; press Escape, then Tab, to leave the editor.
      </small>
      <div className="code-editor">
        <pre ref={pre} aria-hidden="true">
          {tokenizeHcl(value + '\n').map((t, i) => (
            <span key={i} className={`tok-${t.kind}`}>
              {t.text}
            </span>
          ))}
        </pre>
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} onScroll={sync} onKeyDown={onKeyDown} spellCheck={false} autoCapitalize="off" aria-describedby={[`${id}-k`, describedBy].filter(Boolean).join(' ')} />
      </div>
    </div>
  );
}
