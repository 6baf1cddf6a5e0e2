import { useRef, useState } from 'react';

interface ConfirmButtonProps {
  /** The button's text, e.g. "Delete directory". */
  label: string;
  /**
   * Which one, for screen readers only, where every row of a table has the same button: label "Remove" with subject
   * "guest alice" is named "Remove guest alice".
   */
  subject?: string;
  /** What the action does, asked before it is done. */
  question: string;
  /** The button that does it. Its name must not contain `label`, or a search for one button by name finds both. */
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
}

/** A destructive action that asks first: the button unfolds the question, with the button that does it and Cancel. */
export function ConfirmButton({ label, subject, question, confirmLabel, onConfirm, pending }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const name = subject ? `${label} ${subject}` : label;
  const openRef = useRef<HTMLButtonElement>(null);
  function cancel() {
    setAsking(false);
    // Cancel disappears: keyboard focus goes back where it came from rather than to the top of the page.
    openRef.current?.focus();
  }
  return (
    <div className="confirm-button">
      <button ref={openRef} type="button" className="danger" aria-expanded={asking} onClick={() => setAsking(true)}>
        {label}
        {subject && <span className="visually-hidden"> {subject}</span>}
      </button>
      {asking && (
        <div role="group" aria-label={`Confirm: ${name}`} className="confirm">
          <p>{question}</p>
          <button type="button" className="danger" onClick={onConfirm} disabled={pending}>
            {confirmLabel}
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
