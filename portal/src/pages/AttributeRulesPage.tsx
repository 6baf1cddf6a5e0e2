import { api } from '../api.ts';
import { AttributeRulesForm } from '../components/AttributeRulesForm.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory } from '../types.ts';

export function AttributeRulesPage({ directory }: { directory: Directory }) {
  usePageTitle(`Attribute rules · ${directory.name}`);
  const rules = useApiData((signal) => api.rules(directory.id, signal), [directory.id]);
  return (
    <>
      <h2>Attribute rules</h2>
      <p>Roster checks every user the identity provider sends against these rules, and refuses those that break one.</p>
      <Loadable data={rules.data} error={rules.error}>
        {(loaded) => <AttributeRulesForm directoryId={directory.id} rules={loaded} />}
      </Loadable>
    </>
  );
}
