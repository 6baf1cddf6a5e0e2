import { readFileSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { startRetentionTimer } from '../api/retention-timer.ts';
import { DirectoryError, type DirectoryService } from '../directory/directory-service.ts';
import { PROVIDERS } from '../directory/provider-profile.ts';
import { ScimError } from '../scim/messages/error.ts';
import { buildApp } from '../http/app.ts';
import { connect } from '../store/connect.ts';
import { DEFAULT_RETENTION_DAYS } from '../store/event-retention.ts';
import { DEFAULT_POOL_OPTIONS } from '../store/postgres/pool-options.ts';
import { allowPrivateFromEnv } from '../webhooks/destination-guard.ts';
import { lazySecretBox } from '../secrets/secret-key.ts';
import { WebhookError } from '../webhooks/webhook-error.ts';
import { SecretError } from '../secrets/secret-error.ts';
import { SsoConfigurationError } from '../sso/sso-connections.ts';
import { OidcClientError } from '../oidc/oidc-clients.ts';
import { registerAdminCommands } from './admin-commands.ts';
import { registerSsoCommands } from './sso-commands.ts';
import { integerArgument } from './integer-argument.ts';
import { printTable } from './print-table.ts';
import { printableDatabase } from './printable-database.ts';
import { deliveryWorkerOptions, registerWebhookCommands } from './webhook-commands.ts';

const DEFAULT_DATABASE = './data/roster.db';

const port = integerArgument(0, 65535, 'a port is a number from 0 to 65535');
const milliseconds = integerArgument(0, 2 ** 31 - 1, 'a duration is a whole number of milliseconds (0 or more)');
const connectionCount = integerArgument(1, 10_000, 'a connection count is a whole number from 1');
const timeLimit = integerArgument(1, 2 ** 31 - 1, 'a time limit is a whole number of milliseconds (1 or more)');
const days = integerArgument(1, 36_500, 'a retention is a whole number of days (1 or more)');

const databaseOption = () =>
  new Option('--database <file|postgres-url>', 'SQLite file (or postgres:// URL)').env('ROSTER_DATABASE').default(DEFAULT_DATABASE);
const publicUrlOption = () =>
  new Option('--public-url <url>', 'public base URL used in Tenant URLs, e.g. https://roster.example.com').env('ROSTER_PUBLIC_URL');

/** Opens the database and the app's services for one CLI command, and closes them afterwards. */
async function withServices<T>(database: string, work: (directories: DirectoryService, app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>): Promise<T> {
  const connection = await connect(database);
  const roster = await buildApp({ connection });
  try {
    return await work(roster.directories, roster);
  } finally {
    await roster.app.close();
    await connection.close();
  }
}

/** A logged request path relative to its Tenant URL, percent-decoding undone where it can be. */
function readablePath(path: string): string {
  const relative = path.replace(/^\/scim\/v2\/[^/?]+/, '') || '/';
  try {
    return decodeURIComponent(relative);
  } catch {
    return relative;
  }
}

const tenantUrl = (publicUrl: string | undefined, id: string) => `${(publicUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')}/scim/v2/${id}`;

const program = new Command('roster').description('Roster: SCIM 2.0 directory sync for B2B SaaS apps').showHelpAfterError();

program
  .command('serve')
  .description('run the Roster server')
  .addOption(new Option('--host <host>', 'address to listen on').env('ROSTER_HOST').default('127.0.0.1'))
  .addOption(new Option('--port <port>', 'port to listen on').env('PORT').default(8080).argParser(port))
  .addOption(databaseOption())
  .addOption(publicUrlOption())
  .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
  .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
  .option('--trust-proxy', 'trust X-Forwarded-* headers from a reverse proxy', false)
  .option('--log-requests', 'log every HTTP request (the provisioning log records SCIM requests anyway)', false)
  .addOption(new Option('--log-level <level>', 'log level').env('ROSTER_LOG_LEVEL').default('info'))
  .addOption(new Option('--db-pool-max <n>', 'most PostgreSQL connections this instance opens').env('ROSTER_DB_POOL_MAX').default(DEFAULT_POOL_OPTIONS.max).argParser(connectionCount))
  .addOption(
    new Option('--db-connect-timeout-ms <ms>', 'how long a query waits for a PostgreSQL connection (0: no limit)')
      .env('ROSTER_DB_CONNECT_TIMEOUT_MS')
      .default(DEFAULT_POOL_OPTIONS.connectionTimeoutMillis)
      .argParser(milliseconds),
  )
  .addOption(
    new Option('--db-idle-timeout-ms <ms>', 'close a PostgreSQL connection idle this long (0: never)')
      .env('ROSTER_DB_IDLE_TIMEOUT_MS')
      .default(DEFAULT_POOL_OPTIONS.idleTimeoutMillis)
      .argParser(milliseconds),
  )
  .addOption(
    new Option('--db-statement-timeout-ms <ms>', 'PostgreSQL cancels a statement running longer than this (0: never)')
      .env('ROSTER_DB_STATEMENT_TIMEOUT_MS')
      .default(DEFAULT_POOL_OPTIONS.statementTimeoutMillis)
      .argParser(milliseconds),
  )
  .addOption(
    new Option('--shutdown-timeout-ms <ms>', 'on SIGTERM or SIGINT, exit with 1 if in-flight requests have not finished by then')
      .env('ROSTER_SHUTDOWN_TIMEOUT_MS')
      .default(10_000)
      .argParser(timeLimit),
  )
  .option('--no-webhooks', 'deliver no webhooks from this instance (the events wait for one that does)')
  .addOption(new Option('--metrics-token <token>', 'require this bearer token on /metrics (prefer the variable: arguments show in ps)').env('ROSTER_METRICS_TOKEN'))
  .addOption(
    new Option('--event-retention-days <days>', 'events older than this are removed (hourly), with directories deleted before then')
      .env('ROSTER_EVENT_RETENTION_DAYS')
      .default(DEFAULT_RETENTION_DAYS)
      .argParser(days),
  )
  .action(async (opts) => {
    if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new InvalidArgumentError('--tls-cert and --tls-key go together');
    const https = opts.tlsCert ? { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) } : undefined;
    // Fastify's request serializer logs no headers; the redaction guards any log line that would add them.
    const logger = pino({ level: opts.logLevel, redact: ['req.headers.authorization'] });
    const connection = await connect(opts.database, {
      pool: {
        max: opts.dbPoolMax,
        connectionTimeoutMillis: opts.dbConnectTimeoutMs,
        idleTimeoutMillis: opts.dbIdleTimeoutMs,
        statementTimeoutMillis: opts.dbStatementTimeoutMs,
      },
      onIdleError: (err) => logger.warn({ err }, 'the database closed an idle connection; the pool opens a new one when needed'),
    });
    const { app } = await buildApp({
      connection,
      publicUrl: opts.publicUrl,
      trustProxy: opts.trustProxy,
      https,
      logger,
      logRequests: opts.logRequests,
      metricsToken: opts.metricsToken || undefined,
      webhooks: opts.webhooks ? deliveryWorkerOptions(connection, opts.database) : undefined,
      // The first secret stored from the portal makes the key file of a SQLite trial, as `roster webhook add` does.
      secrets: lazySecretBox({ dialect: connection.dialect, location: opts.database }, { create: true }),
      ssoAllowHttp: process.env.ROSTER_SSO_ALLOW_HTTP === '1',
      allowPrivateWebhookDestinations: allowPrivateFromEnv(),
    });
    const retention = startRetentionTimer(connection.db, opts.eventRetentionDays, logger);
    // A second signal, or a shutdown that outlasts the time limit, exits at once with 1.
    closeWithGrace({ delay: opts.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
      if (err) logger.error({ err }, 'uncaught error: shutting down');
      else logger.info(`${signal ?? 'exit'}: finishing in-flight requests, then shutting down`);
      await app.close(); // /readyz answers 503 from here on; waits for in-flight requests, flushes the provisioning log
      await retention.stop();
      await connection.close();
    });
    const address = await app.listen({ host: opts.host, port: opts.port });
    const base = opts.publicUrl ?? address;
    process.stdout.write(
      `Roster is listening on ${address} (database: ${printableDatabase(opts.database)})\n` +
        `Create a directory for your identity provider:\n` +
        `  ./bin/roster directory create --name "Contoso" --provider entra${opts.publicUrl ? ` --public-url ${opts.publicUrl}` : ''}\n` +
        `Then paste its Tenant URL (${base}/scim/v2/<directory-id>) and Secret Token into Entra ID's provisioning page.\n` +
        `Or use the admin portal at ${base}/portal (make an operator account: ./bin/roster admin create --username you).\n`,
    );
  });

const directory = program.command('directory').description('manage directories (one per customer identity provider)');
directory
  .command('create')
  .description('create a directory and its first Secret Token')
  .requiredOption('--name <name>', 'a name for the directory, e.g. the customer')
  .addOption(new Option('--provider <provider>', 'the identity provider').choices([...PROVIDERS]).default('entra'))
  .option('--organization <id>', 'the organization it belongs to (default: a new organization of the same name)')
  .addOption(databaseOption())
  .addOption(publicUrlOption())
  .option('--json', 'print one JSON object {"id","organizationId","name","tenantUrl","token"}')
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      const { directory: created, token } = await directories.create(opts.name, opts.provider, opts.organization);
      const url = tenantUrl(opts.publicUrl, created.id);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ id: created.id, organizationId: created.organizationId, name: created.name, tenantUrl: url, token })}\n`);
        return;
      }
      const suffix = created.provider === 'entra' ? '?aadOptscim062020' : '';
      process.stdout.write(
        `Directory "${created.name}" created (id ${created.id}, provider ${created.provider}).\n\n` +
          `  Tenant URL:   ${url}${suffix}\n  Secret Token: ${token}\n\n` +
          `The token is shown only this once: copy it now. Paste both into the provisioning page of your identity\n` +
          `provider and press "Test connection".\n`,
      );
    }),
  );
directory
  .command('list')
  .description('list directories')
  .addOption(databaseOption())
  .addOption(publicUrlOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      const list = (await directories.list()).map((d) => ({
        id: d.id,
        organization: d.organizationId,
        name: d.name,
        provider: d.provider,
        tenantUrl: tenantUrl(opts.publicUrl, d.id),
        users: d.userCount,
        groups: d.groupCount,
        connected: d.activatedAt ?? 'waiting for the first request',
      }));
      if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else printTable(list);
    }),
  );
directory
  .command('delete')
  .description('delete a directory: its users, groups and tokens go; its events stay until retention')
  .argument('<id>', 'the directory')
  .addOption(databaseOption())
  .action(async (id, opts) =>
    withServices(opts.database, async (directories) => {
      await directories.delete(id);
      process.stdout.write(`Directory ${id} deleted.\n`);
    }),
  );
directory
  .command('rules')
  .description("show a directory's attribute rules, or set them from a JSON file")
  .requiredOption('--directory <id>', 'the directory')
  .option('--file <rules.json>', 'set the rules from this file: {"required":[],"uniqueEmail":true,"uniqueExternalId":true,"allowedValues":{},"defaults":{}}')
  .addOption(databaseOption())
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      if (opts.file) {
        await directories.setRules(opts.directory, JSON.parse(readFileSync(opts.file, 'utf8')));
        process.stdout.write('Rules saved. They apply to every request from now on.\n');
      }
      const current = await directories.require(opts.directory);
      process.stdout.write(`${JSON.stringify(directories.settings(current).rules ?? {}, null, 2)}\n`);
    }),
  );

const token = program.command('token').description('manage Secret Tokens (at most two active per directory, for rotation)');
token
  .command('create')
  .description('issue a new Secret Token (shown once)')
  .requiredOption('--directory <id>', 'the directory')
  .addOption(databaseOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      const { token: secret, record } = await directories.createToken(opts.directory);
      if (opts.json) process.stdout.write(`${JSON.stringify({ id: record.id, token: secret })}\n`);
      else process.stdout.write(`Token ${record.id} created. Secret Token (shown only this once):\n\n  ${secret}\n`);
    }),
  );
token
  .command('list')
  .description("list a directory's tokens")
  .requiredOption('--directory <id>', 'the directory')
  .addOption(databaseOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      const tokens = await directories.tokens(opts.directory);
      if (opts.json) process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else printTable(tokens.map((t) => ({ id: t.id, prefix: `${t.prefix}…`, created: t.createdAt, lastUsed: t.lastUsedAt ?? 'never', revoked: t.revokedAt ?? '' })));
    }),
  );
token
  .command('revoke')
  .description('revoke a token at once')
  .argument('<token-id>', 'the token id from "roster token list"')
  .addOption(databaseOption())
  .action(async (tokenId, opts) =>
    withServices(opts.database, async (directories) => {
      await directories.revokeToken(tokenId);
      process.stdout.write(`Token ${tokenId} revoked.\n`);
    }),
  );

registerAdminCommands(program, databaseOption, (database, work) => withServices(database, (_directories, roster) => work(roster)));
registerSsoCommands(program, databaseOption, publicUrlOption);

const apiKey = program.command('api-key').description("manage API keys: your app's access to the events and directory API (/api/v1)");
apiKey
  .command('create')
  .description('issue an API key (shown once) for an organization, or a global one')
  .option('--organization <id>', 'the organization whose directories and events the key reads (roster organization list)')
  .option('--global', "a key that reads every organization's directories and events, for your own scripts")
  .addOption(databaseOption())
  .option('--json', 'print one JSON object {"id","organizationId","key"}')
  .action(async (opts) =>
    withServices(opts.database, async (_directories, roster) => {
      if (Boolean(opts.organization) === Boolean(opts.global)) throw new InvalidArgumentError('give either --organization <id> or --global');
      const { key, record } = await roster.apiKeys.create(opts.organization ?? null);
      if (opts.json) process.stdout.write(`${JSON.stringify({ id: record.id, organizationId: record.organizationId, key })}\n`);
      else process.stdout.write(`API key ${record.id} created. The key (shown only this once):\n\n  ${key}\n`);
    }),
  );
apiKey
  .command('list')
  .description('list API keys with their prefix, creation time and last use')
  .option('--organization <id>', "only this organization's keys")
  .addOption(databaseOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (_directories, roster) => {
      const keys = await roster.apiKeys.list(opts.organization);
      if (opts.json) process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      else
        printTable(
          keys.map((k) => ({
            id: k.id,
            organization: k.organizationId ?? 'global',
            prefix: `${k.prefix}…`,
            created: k.createdAt,
            lastUsed: k.lastUsedAt ?? 'never',
            revoked: k.revokedAt ?? '',
          })),
        );
    }),
  );
apiKey
  .command('revoke')
  .description('revoke an API key at once')
  .argument('<key-id>', 'the key id from "roster api-key list"')
  .addOption(databaseOption())
  .action(async (keyId, opts) =>
    withServices(opts.database, async (_directories, roster) => {
      await roster.apiKeys.revoke(keyId);
      process.stdout.write(`API key ${keyId} revoked.\n`);
    }),
  );

program
  .command('organization')
  .description('organizations: your customers, each owning its directories')
  .command('list')
  .description('list organizations')
  .addOption(databaseOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (directories) => {
      const organizations = await directories.organizations();
      if (opts.json) process.stdout.write(`${JSON.stringify(organizations, null, 2)}\n`);
      else printTable(organizations.map((o) => ({ id: o.id, name: o.name, created: o.createdAt })));
    }),
  );

program
  .command('log')
  .description('show the provisioning log: every SCIM request, newest last')
  .option('--directory <id>', 'only this directory')
  .option('--failed', 'only failed requests (status 400 and above, or cut off by an error)')
  .option('--limit <n>', 'how many entries', (v) => Number.parseInt(v, 10), 50)
  .addOption(databaseOption())
  .option('--json', 'print JSON')
  .action(async (opts) =>
    withServices(opts.database, async (_directories, roster) => {
      const rows = await roster.provisioningLog.query({ directoryId: opts.directory, failedOnly: opts.failed, limit: opts.limit });
      if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else
        printTable(
          rows.map((r) => ({
            at: r.at,
            status: r.status,
            method: r.method,
            // Relative to the Tenant URL, as the IdP's own logs show it; --json keeps the full path.
            path: readablePath(r.path),
            user: r.label ?? '',
            ms: r.duration_ms,
            error: r.error ?? '',
          })),
        );
    }),
  );

registerWebhookCommands(program, databaseOption);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof DirectoryError || error instanceof ScimError || error instanceof InvalidArgumentError || error instanceof WebhookError || error instanceof SecretError || error instanceof SsoConfigurationError || error instanceof OidcClientError) {
    process.stderr.write(`roster: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
