import { useEffect, useState } from 'react';

/** The Clipboard API needs a secure context (https or localhost); Roster is often first tried over plain http. */
async function copyToClipboard(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const scratch = document.createElement('textarea');
  scratch.value = text;
  scratch.setAttribute('readonly', '');
  scratch.className = 'visually-hidden';
  document.body.append(scratch);
  scratch.select();
  try {
    if (!document.execCommand('copy')) throw new Error('copy refused');
  } finally {
    scratch.remove();
  }
}

/** Copies `text` and says so in a live region next to the button. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState('');
  useEffect(() => {
    if (!outcome) return;
    // Cleared after a while, so copying again is announced again.
    const timer = setTimeout(() => setOutcome(''), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);
  async function copy() {
    try {
      await copyToClipboard(text);
      setOutcome('Copied');
    } catch {
      setOutcome('Could not copy: select the text and press Ctrl+C');
    }
  }
  return (
    <>
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-outcome">
        {outcome}
      </span>
    </>
  );
}
