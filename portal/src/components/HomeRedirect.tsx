import { Redirect } from 'wouter';
import { useSignedInSession } from '../session.tsx';

/** The start page: the organizations for an operator, the one organization a setup link opens for its holder. */
export function HomeRedirect() {
  const { principal } = useSignedInSession();
  return <Redirect to={principal.kind === 'setup' ? `/orgs/${principal.organizationId}` : '/orgs'} replace />;
}
