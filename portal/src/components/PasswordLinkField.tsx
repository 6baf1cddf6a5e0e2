import { formatDateTime } from '../format.ts';
import type { PasswordLink } from '../types.ts';
import { CopyField } from './CopyField.tsx';

/** A one-time link where someone chooses their built-in password, just created: the API shows it only this once. */
export function PasswordLinkField({ link, holder }: { link: PasswordLink; holder: string }) {
  return (
    <CopyField
      label="Password link"
      value={link.url}
      copyLabel="Copy password link"
      note={
        `Copy it now and hand it to ${holder} by any channel: Roster shows it only once. It works once, until ` +
        `${formatDateTime(link.expiresAt)}, to choose a password.`
      }
    />
  );
}
