/** The Tune and Disable buttons of a mounted secrets engine or auth method; `label` names the mount for screen readers. */
export function MountActions({ label, onTune, onDisable }: { label: string; onTune: () => void; onDisable: () => void }) {
  return (
    <>
      <button type="button" className="small" onClick={onTune} aria-label={`Tune ${label}`}>
        Tune
      </button>
      <button type="button" className="small danger" onClick={onDisable} aria-label={`Disable ${label}`}>
        Disable
      </button>
    </>
  );
}
