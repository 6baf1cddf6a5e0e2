import { useLocation } from 'wouter';
import { api } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { ConnectionStatus } from '../components/ConnectionStatus.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { DirectoryCharts } from '../components/DirectoryCharts.tsx';
import { EntraSetupSteps } from '../components/EntraSetupSteps.tsx';
import { FormError } from '../components/FormError.tsx';
import { SecretTokens } from '../components/SecretTokens.tsx';
import { count, PROVIDER_NAMES } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory } from '../types.ts';

interface DirectorySetupPageProps {
  directory: Directory;
  onUpdate: (directory: Directory) => void;
}

/** Everything the identity provider's admin needs to connect the directory, and whether it is connected. */
export function DirectorySetupPage({ directory, onUpdate }: DirectorySetupPageProps) {
  usePageTitle(directory.name);
  const [, navigate] = useLocation();
  const remove = useAction(async () => {
    await api.deleteDirectory(directory.id);
    navigate(`/orgs/${directory.organizationId}`, { replace: true });
  });
  const providerName = PROVIDER_NAMES[directory.provider];
  // Entra ID needs the flag in its Tenant URL to behave as SCIM says (docs/admin-api.md).
  const tenantUrl = directory.provider === 'entra' ? directory.entraTenantUrl : directory.tenantUrl;
  return (
    <>
      <ConnectionStatus directory={directory} onUpdate={onUpdate} />
      <section>
        <h2>Connect {providerName}</h2>
        <CopyField label="Tenant URL" value={tenantUrl} copyLabel="Copy Tenant URL" />
        <SecretTokens directoryId={directory.id} />
        {directory.provider === 'entra' ? (
          <>
            <h3>Steps in Microsoft Entra ID</h3>
            <EntraSetupSteps />
          </>
        ) : (
          <p>
            In {providerName}, set up SCIM 2.0 provisioning with the Tenant URL as its base URL and the Secret Token as its
            bearer token, then assign the users and groups to provision.
          </p>
        )}
      </section>
      <DirectoryCharts directoryId={directory.id} />
      <section className="danger-zone">
        <h2>Danger zone</h2>
        <ConfirmButton
          label="Delete directory"
          question={
            `Delete ${directory.name} with its ${count(directory.userCount, 'user')} and ${count(directory.groupCount, 'group')}? ` +
            `${providerName}'s requests are refused from then on. This cannot be undone.`
          }
          confirmLabel="Confirm"
          onConfirm={() => remove.run()}
          pending={remove.pending}
        />
        <FormError error={remove.error} />
      </section>
    </>
  );
}
