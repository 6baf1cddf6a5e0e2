import { Route, Switch } from 'wouter';
import { HomeRedirect } from './components/HomeRedirect.tsx';
import { Layout } from './components/Layout.tsx';
import { RequireSession } from './components/RequireSession.tsx';
import { AppsPage } from './pages/AppsPage.tsx';
import { AuditLogPage } from './pages/AuditLogPage.tsx';
import { DirectoryArea } from './pages/DirectoryArea.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OrganizationPage } from './pages/OrganizationPage.tsx';
import { OrganizationsPage } from './pages/OrganizationsPage.tsx';
import { SetupLinkPage } from './pages/SetupLinkPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { WebhookPage } from './pages/WebhookPage.tsx';
import { WebhooksPage } from './pages/WebhooksPage.tsx';

/** The signed-in pages. Paths are under the router's base, /portal. */
function SignedInPages() {
  return (
    <RequireSession>
      <Layout>
        <Switch>
          <Route path="/">
            <HomeRedirect />
          </Route>
          <Route path="/orgs">
            <OrganizationsPage />
          </Route>
          <Route path="/orgs/:orgId">{({ orgId }) => <OrganizationPage key={orgId} organizationId={orgId} />}</Route>
          <Route path="/orgs/:orgId/webhooks">{({ orgId }) => <WebhooksPage key={orgId} organizationId={orgId} />}</Route>
          <Route path="/webhooks/:id">{({ id }) => <WebhookPage key={id} endpointId={id} />}</Route>
          <Route path="/directories/:dirId/*?">{({ dirId }) => <DirectoryArea key={dirId} directoryId={dirId} />}</Route>
          <Route path="/apps">
            <AppsPage />
          </Route>
          <Route path="/audit">
            <AuditLogPage />
          </Route>
          <Route>
            <NotFoundPage />
          </Route>
        </Switch>
      </Layout>
    </RequireSession>
  );
}

export function App() {
  return (
    <Switch>
      <Route path="/login">
        <SignInPage />
      </Route>
      <Route path="/setup">
        <SetupLinkPage />
      </Route>
      <Route>
        <SignedInPages />
      </Route>
    </Switch>
  );
}
