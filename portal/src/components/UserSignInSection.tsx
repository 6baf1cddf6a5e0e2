import { useId, useState } from 'react';
import { api } from '../api.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import type { PasswordLink } from '../types.ts';
import { DefinitionList } from './DefinitionList.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';
import { LoginMethodForm } from './LoginMethodForm.tsx';
import { PasswordLinkField } from './PasswordLinkField.tsx';

interface UserSignInSectionProps {
  directoryId: string;
  userId: string;
  /** Who the password link is for, in its note. */
  userName: string;
}

/** How a provisioned user signs in to the operator's apps: with Entra ID, or with a password chosen in Roster. */
export function UserSignInSection({ directoryId, userId, userName }: UserSignInSectionProps) {
  const linkHintId = useId();
  const settings = useApiData((signal) => api.signInSettings(directoryId, userId, signal), [directoryId, userId]);
  const [passwordLink, setPasswordLink] = useState<PasswordLink | null>(null);
  const createLink = useAction(async () => setPasswordLink(await api.createUserPasswordLink(directoryId, userId)));
  return (
    <section>
      <h3>Sign-in</h3>
      <Loadable data={settings.data} error={settings.error}>
        {(current) => (
          <>
            <DefinitionList
              items={[
                [
                  'Entra object ID',
                  current.entraObjectId ? <code key="oid">{current.entraObjectId}</code> : 'Not linked yet: linked on the first sign-in with Entra ID',
                ],
                ['Password set', current.hasPassword ? 'Yes' : 'No'],
              ]}
            />
            <LoginMethodForm
              directoryId={directoryId}
              userId={userId}
              saved={current.loginMethod}
              onSaved={(updated) => settings.setData(() => updated)}
            />
          </>
        )}
      </Loadable>
      {passwordLink && <PasswordLinkField link={passwordLink} holder={userName} />}
      <button type="button" onClick={() => createLink.run()} disabled={createLink.pending} aria-describedby={linkHintId}>
        Create password link
      </button>
      <p id={linkHintId} className="hint">
        A one-time link where the person chooses a built-in password, or a new one after forgetting it.
      </p>
      <FormError error={createLink.error} />
    </section>
  );
}
