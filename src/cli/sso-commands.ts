import { text } from 'node:stream/consumers';
import type { Command, Option } from 'commander';
import { DirectoryError, DirectoryService } from '../directory/directory-service.ts';
import { OidcClientError, OidcClients, type OidcClient } from '../oidc/oidc-clients.ts';
import { lazySecretBox } from '../secrets/secret-key.ts';
import { EntraClient } from '../sso/entra-client.ts';
import { frontChannelLogoutPath, redirectUris } from '../sso/entra-platform.ts';
import { SsoConfigurationError, SsoConnections, type SsoConnectionView } from '../sso/sso-connections.ts';
import { connect } from '../store/connect.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { SsoConnectionStore } from '../store/sso-connection-store.ts';
import { printTable } from './print-table.ts';

/** Where `roster serve` listens by default: the origin of the redirect URI and issuer when --public-url is not given. */
const origin = (publicUrl: string | undefined) => (publicUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');

interface SignInServices {
  sso: SsoConnections;
  oidcClients: OidcClients;
  directories: DirectoryService;
}

/**
 * Opens the database and the sign-in services for one command, and closes them afterwards. Not `buildApp`: its
 * services seal secrets with ROSTER_SECRET_KEY alone, while a SQLite trial keeps its key in a file beside the
 * database, which `createKey` makes on the first secret stored (as `roster webhook add` does).
 */
async function withSignIn<T>(database: string, work: (services: SignInServices) => Promise<T>, options: { createKey?: boolean } = {}): Promise<T> {
  const connection = await connect(database);
  try {
    const secrets = lazySecretBox({ dialect: connection.dialect, location: database }, { create: options.createKey ?? false });
    // Plain http only for tests with a local identity provider, as `roster serve` allows it.
    const allowHttp = process.env.ROSTER_SSO_ALLOW_HTTP === '1';
    const sso = new SsoConnections(new SsoConnectionStore(connection.db), secrets, new EntraClient({ allowHttp }), { allowHttp });
    return await work({ sso, oidcClients: new OidcClients(connection.db, secrets), directories: new DirectoryService(new DirectoryStore(connection.db)) });
  } finally {
    await connection.close();
  }
}

/** Fails with the organization's id when there is none: the connection table would only say "foreign key". */
async function requireOrganization(directories: DirectoryService, id: string): Promise<void> {
  if (!(await directories.organization(id))) throw new DirectoryError(`no organization with id ${id} (roster organization list)`);
}

/** The client secret from stdin: an argument would show in `ps` and the shell history. */
async function secretFromStdin(): Promise<string> {
  const secret = (await text(process.stdin)).replace(/\r?\n$/, '');
  if (!secret.trim()) throw new SsoConfigurationError('--client-secret-stdin read no secret: pipe in the Value from Entra (Certificates & secrets)');
  return secret;
}

/** A connection as the CLI prints it, with the redirect URI of the platform it signs in through. */
function describeConnection(connection: SsoConnectionView, publicUrl: string | undefined): string {
  const web = connection.platform === 'web';
  const uris = redirectUris(origin(publicUrl));
  return (
    `  Organization:   ${connection.organizationId}\n  Tenant:         ${connection.tenantId}\n  Client ID:      ${connection.clientId}\n` +
    `  Issuer:         ${connection.issuer}\n` +
    (web ? `  Secret expires: ${connection.clientSecretExpiresAt ?? 'not given'}\n` : '  Client secret:  none (a public client, with PKCE)\n') +
    `  Just-in-time:   ${connection.justInTime ? 'on: people Entra signs in who are not provisioned get an account' : 'off: only provisioned users sign in'}\n\n` +
    `Redirect URI to register in Entra ID (App registration → Authentication → Add a platform → ${web ? 'Web' : 'Mobile and desktop applications'}):\n\n` +
    `  ${web ? uris.web[0] : uris.mobileAndDesktop[0]}\n\n` +
    `Front-channel logout URL (Authentication → Front-channel logout URL), so that signing out of Entra signs out of Roster:\n\n` +
    `  ${origin(publicUrl)}${frontChannelLogoutPath}\n`
  );
}

/** A connection as `--json` prints it: with both platforms' redirect URIs and the logout URL, as the admin API gives them. */
const connectionJson = (connection: SsoConnectionView, publicUrl: string | undefined) =>
  `${JSON.stringify({ ...connection, redirectUris: redirectUris(origin(publicUrl)), frontChannelLogoutUrl: origin(publicUrl) + frontChannelLogoutPath }, null, 2)}\n`;

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function describeClient(client: OidcClient): Record<string, string> {
  return {
    clientId: client.clientId,
    name: client.name,
    type: client.applicationType,
    redirects: client.redirectUris.join(' '),
    afterLogout: client.postLogoutRedirectUris.join(' '),
    created: client.createdAt,
  };
}

/**
 * `roster sso …` and `roster oidc-client …`: both ends of single sign-on. An organization's Entra ID connection is how
 * its people sign in to Roster; the OIDC clients are the host apps that sign those people in through Roster.
 */
export function registerSsoCommands(program: Command, databaseOption: () => Option, publicUrlOption: () => Option): void {
  const sso = program.command('sso').description("manage organizations' single sign-on with Entra ID (one connection per organization)");
  sso
    .command('show')
    .description("show an organization's Entra ID connection (never its secret) and the redirect URI to register")
    .requiredOption('--organization <id>', 'the organization (roster organization list)')
    .addOption(databaseOption())
    .addOption(publicUrlOption())
    .option('--json', 'print one JSON object {"organizationId","clientId","tenantId","issuer","platform",…,"redirectUris"}')
    .action(async (opts) =>
      withSignIn(opts.database, async ({ sso: connections, directories }) => {
        await requireOrganization(directories, opts.organization);
        const connection = await connections.get(opts.organization);
        if (!connection) throw new SsoConfigurationError(`organization ${opts.organization} has no Entra ID connection yet: add one with roster sso set`);
        process.stdout.write(opts.json ? connectionJson(connection, opts.publicUrl) : describeConnection(connection, opts.publicUrl));
      }),
    );
  sso
    .command('set')
    .description("create or change an organization's Entra ID connection; Roster reads the tenant's OpenID configuration at once")
    .requiredOption('--organization <id>', 'the organization (roster organization list)')
    .requiredOption('--client-id <guid>', "the app registration's Application (client) ID")
    .requiredOption('--authority <tenant-or-url>', 'the Directory (tenant) ID, a tenant domain, or https://login.microsoftonline.com/{tenant}')
    .option('--client-secret-stdin', 'read the client secret from stdin (a new connection needs it or --public-client; else the stored one is kept)')
    .option('--public-client', 'no client secret: Roster signs in as a public client with PKCE, through the Mobile and desktop applications platform')
    .option('--secret-expires <yyyy-mm-dd>', "the secret's expiry, as Entra shows it, so the portal warns in time")
    .option('--just-in-time', 'people Entra signs in who are not provisioned get an account')
    .option('--no-just-in-time', 'only provisioned users sign in (the default of a new connection)')
    .addOption(databaseOption())
    .addOption(publicUrlOption())
    .option('--json', 'print one JSON object {"organizationId","clientId","tenantId","issuer","platform",…,"redirectUris"}')
    .action(async (opts) => {
      if (opts.publicClient && opts.clientSecretStdin) throw new SsoConfigurationError('--public-client has no secret: leave out --client-secret-stdin');
      // Read before the database opens, so a secret piped in is never left unread when a check below fails.
      const clientSecret = opts.publicClient ? null : opts.clientSecretStdin ? await secretFromStdin() : undefined;
      await withSignIn(
        opts.database,
        async ({ sso: connections, directories }) => {
          await requireOrganization(directories, opts.organization);
          if (clientSecret === undefined && !(await connections.get(opts.organization))) {
            throw new SsoConfigurationError(
              'a new connection needs the client secret: pipe its Value (Entra: Certificates & secrets) into --client-secret-stdin, or give --public-client',
            );
          }
          const saved = await connections.save(opts.organization, {
            clientId: opts.clientId,
            authority: opts.authority,
            clientSecret,
            clientSecretExpiresAt: opts.secretExpires,
            justInTime: opts.justInTime,
          });
          process.stdout.write(opts.json ? connectionJson(saved, opts.publicUrl) : `Entra ID connection saved.\n\n${describeConnection(saved, opts.publicUrl)}`);
        },
        // A key is made only to seal a new secret: without one, the stored secret is opened with the key it was sealed with.
        { createKey: typeof clientSecret === 'string' },
      );
    });
  sso
    .command('remove')
    .description("remove an organization's Entra ID connection: its people can no longer sign in with Entra ID")
    .requiredOption('--organization <id>', 'the organization')
    .addOption(databaseOption())
    .action(async (opts) =>
      withSignIn(opts.database, async ({ sso: connections }) => {
        if (!(await connections.remove(opts.organization))) throw new SsoConfigurationError(`organization ${opts.organization} has no Entra ID connection`);
        process.stdout.write(`Entra ID connection of organization ${opts.organization} removed.\n`);
      }),
    );

  const oidcClient = program.command('oidc-client').description("manage the apps that sign people in through Roster's OpenID provider (/oidc)");
  oidcClient
    .command('add')
    .description('register an app and print its client id, its secret (shown once; none for --native) and the issuer')
    .requiredOption('--name <name>', 'a name for the app')
    .requiredOption('--redirect-uri <uri>', 'where Roster sends people back after signing in (repeat for several)', collect)
    .option('--post-logout-redirect-uri <uri>', 'where Roster may send people after signing out (repeat for several)', collect)
    .option('--native', 'a mobile or desktop app: a public client, with PKCE and no secret')
    .addOption(databaseOption())
    .addOption(publicUrlOption())
    .option('--json', 'print one JSON object {"clientId","name",…,"clientSecret","issuer"}')
    .action(async (opts) =>
      withSignIn(
        opts.database,
        async ({ oidcClients }) => {
          const { client, clientSecret } = await oidcClients.add({
            name: opts.name,
            redirectUris: opts.redirectUri,
            postLogoutRedirectUris: opts.postLogoutRedirectUri,
            native: opts.native,
          });
          const issuer = `${origin(opts.publicUrl)}/oidc`;
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ ...client, clientSecret, issuer })}\n`);
            return;
          }
          process.stdout.write(
            `App "${client.name}" registered (${client.applicationType}).\n\n` +
              `  Issuer:        ${issuer}\n  Client ID:     ${client.clientId}\n` +
              (clientSecret ? `  Client secret: ${clientSecret}\n\nThe secret is shown only this once: copy it now.\n` : `\nA public client: no secret, so the app must use PKCE.\n`) +
              `The app discovers the endpoints at ${issuer}/.well-known/openid-configuration.\n`,
          );
        },
        { createKey: true },
      ),
    );
  oidcClient
    .command('list')
    .description('list the registered apps (never their secrets)')
    .addOption(databaseOption())
    .option('--json', 'print JSON')
    .action(async (opts) =>
      withSignIn(opts.database, async ({ oidcClients }) => {
        const clients = await oidcClients.list();
        if (opts.json) process.stdout.write(`${JSON.stringify(clients, null, 2)}\n`);
        else printTable(clients.map(describeClient));
      }),
    );
  oidcClient
    .command('remove')
    .description('remove an app: it can no longer sign people in')
    .argument('<client-id>', 'the client id from "roster oidc-client list"')
    .addOption(databaseOption())
    .action(async (clientId, opts) =>
      withSignIn(opts.database, async ({ oidcClients }) => {
        if (!(await oidcClients.remove(clientId))) throw new OidcClientError(`no app with client id ${clientId}`);
        process.stdout.write(`App ${clientId} removed.\n`);
      }),
    );
}
