/**
 * What to do in the Microsoft Entra admin center for single sign-on, in order, with the names its screens use. The
 * Redirect URI exists only once the connection is saved, so before that the step that needs it says it can come last.
 */
export function EntraSsoSteps({ redirectUriShown }: { redirectUriShown: boolean }) {
  return (
    <ol className="steps">
      <li>
        In the <strong>Microsoft Entra admin center</strong>, go to <strong>App registrations</strong> →{' '}
        <strong>New registration</strong>, for accounts in this organizational directory only (single tenant).
      </li>
      <li>
        Open <strong>Authentication</strong> → <strong>Add a platform</strong> → <strong>Web</strong> if Roster signs in with a
        client secret, or <strong>Mobile and desktop applications</strong> if it signs in without one (a public client), and
        paste the Redirect URI
        {redirectUriShown ? ' shown above' : ': Roster shows it here once the connection is saved, so this step can come last'}. On the
        same page, set the <strong>Front-channel logout URL</strong>{redirectUriShown ? ' shown above' : ''}: signing out of Entra then
        signs people out of Roster too.
      </li>
      <li>
        With a client secret: under <strong>Certificates &amp; secrets</strong>, click <strong>New client secret</strong> and
        copy its <strong>Value</strong> (not its Secret ID), and note when it expires.
      </li>
      <li>
        Under <strong>API permissions</strong>, add <strong>Microsoft Graph</strong> → <strong>Delegated permissions</strong> →{' '}
        <strong>User.Read</strong> (and <strong>openid</strong>, <strong>profile</strong>, <strong>email</strong>), then click{' '}
        <strong>Grant admin consent</strong>.
      </li>
      <li>
        From <strong>Overview</strong>, copy the <strong>Application (client) ID</strong> and the{' '}
        <strong>Directory (tenant) ID</strong> into this form, with the secret and its expiry if you made one.
      </li>
    </ol>
  );
}
