import { type ReactNode, useId } from 'react';
import { CopyButton } from './CopyButton.tsx';

interface CopyFieldProps {
  label: string;
  value: string;
  copyLabel: string;
  /** Under the field: for a secret, that it is shown only this once. */
  note?: ReactNode;
}

/** A value to paste elsewhere (a Tenant URL, a secret): read-only, selected on focus, with a copy button. */
export function CopyField({ label, value, copyLabel, note }: CopyFieldProps) {
  const id = useId();
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          id={id}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={value} label={copyLabel} />
      </div>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}
