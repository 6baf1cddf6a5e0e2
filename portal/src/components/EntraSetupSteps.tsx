/** What to do in the Microsoft Entra admin center, in order, with the names its screens use. */
export function EntraSetupSteps() {
  return (
    <ol className="steps">
      <li>
        In the <strong>Microsoft Entra admin center</strong>, go to <strong>Enterprise applications</strong> →{' '}
        <strong>New application</strong> → <strong>Create your own application</strong> (non-gallery).
      </li>
      <li>
        Open <strong>Provisioning</strong> → <strong>Get started</strong>, and set <strong>Provisioning Mode</strong> to{' '}
        <strong>Automatic</strong>.
      </li>
      <li>
        Under <strong>Admin Credentials</strong>, paste the Tenant URL and the Secret Token, click{' '}
        <strong>Test connection</strong>, then <strong>Save</strong>.
      </li>
      <li>
        Under <strong>Mappings</strong>, review the user and group attribute mappings.
      </li>
      <li>
        Under <strong>Settings</strong> → <strong>Scope</strong>, choose <strong>Sync only assigned users and groups</strong>, and
        assign users and groups to the application.
      </li>
      <li>
        Set <strong>Provisioning Status</strong> to <strong>On</strong>, and <strong>Save</strong>.
      </li>
    </ol>
  );
}
