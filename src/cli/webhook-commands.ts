import closeWithGrace from 'close-with-grace';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { EVENT_TYPES } from '../events/event-type.ts';
import { type Connection, connect } from '../store/connect.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../webhooks/delivery-worker.ts';
import { allowPrivateFromEnv } from '../webhooks/destination-guard.ts';
import { lazySecretBox } from '../secrets/secret-key.ts';
import type { PostOutcome } from '../webhooks/webhook-sender.ts';
import { WebhookService } from '../webhooks/webhook-service.ts';
import { integerArgument } from './integer-argument.ts';
import { printTable } from './print-table.ts';
import { printableDatabase } from './printable-database.ts';

const HOUR_MS = 60 * 60 * 1000;
const limit = integerArgument(1, 10_000, 'a limit is a whole number from 1 to 10000');
const hours = integerArgument(0, 24 * 30, 'an overlap is a whole number of hours from 0 to 720');

/** Webhook settings of `roster serve`, from the environment (README: Webhooks). */
export function deliveryWorkerOptions(connection: Connection, database: string, env: NodeJS.ProcessEnv = process.env): DeliveryWorkerOptions {
  const setting = <T>(name: string, parse: (value: string) => T): T | undefined => {
    const value = env[name];
    if (!value) return undefined;
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(`${name}: ${(error as Error).message}`);
    }
  };
  const ms = integerArgument(1, 2 ** 31 - 1, 'a whole number of milliseconds (1 or more)');
  return {
    secrets: lazySecretBox({ dialect: connection.dialect, location: database, env }, { create: false }),
    allowPrivateDestinations: allowPrivateFromEnv(env),
    timeoutMs: setting('ROSTER_WEBHOOK_TIMEOUT_MS', ms),
    pollIntervalMs: setting('ROSTER_WEBHOOK_POLL_MS', ms),
    retryDelaysMs: setting('ROSTER_WEBHOOK_RETRY_DELAYS_MS', (value) => value.split(',').map((delay) => ms(delay.trim()))),
    concurrency: setting('ROSTER_WEBHOOK_CONCURRENCY', integerArgument(1, 1000, 'a whole number from 1 to 1000')),
  };
}

/** Opens the database and the webhook service for one command, and closes them afterwards. */
async function withWebhooks<T>(database: string, work: (webhooks: WebhookService) => Promise<T>, options: { createKey?: boolean } = {}): Promise<T> {
  const connection = await connect(database);
  try {
    const secrets = lazySecretBox({ dialect: connection.dialect, location: database }, { create: options.createKey ?? false });
    return await work(new WebhookService(connection.db, { secrets, allowPrivateDestinations: allowPrivateFromEnv() }));
  } finally {
    await connection.close();
  }
}

function json(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describeAnswer(outcome: PostOutcome): string {
  const answer = outcome.status === null ? `no answer: ${outcome.error}` : `HTTP ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`;
  return `${answer}, after ${outcome.latencyMs} ms${outcome.excerpt ? `\n\n${outcome.excerpt}` : ''}\n`;
}

/** `roster webhook …`: endpoints per organization or directory, signed per Standard Webhooks. */
export function registerWebhookCommands(program: Command, databaseOption: () => Option): void {
  const webhook = program.command('webhook').description('manage webhook endpoints: your app receives each event as a signed POST');
  webhook
    .command('add')
    .description('add an endpoint and print its signing secret (shown once)')
    .option('--organization <id>', "the organization whose events it receives (default: the directory's)")
    .option('--directory <id>', "only this directory's events (default: every directory of the organization)")
    .requiredOption('--url <url>', 'where to POST the events (https:// recommended)')
    .option('--events <types>', `only these event types, comma-separated (default: all): ${EVENT_TYPES.join(', ')}`)
    .option('--description <text>', 'a note for yourself')
    .addOption(databaseOption())
    .option('--json', 'print one JSON object {"id","organizationId","directoryId","url","eventTypes","secret"}')
    .action(async (opts) =>
      withWebhooks(
        opts.database,
        async (webhooks) => {
          const { endpoint, secret } = await webhooks.add({
            organizationId: opts.organization,
            directoryId: opts.directory,
            url: opts.url,
            eventTypes: opts.events ? String(opts.events).split(',').map((t) => t.trim()).filter(Boolean) : [],
            description: opts.description,
          });
          if (opts.json) {
            const { id, organizationId, directoryId, url, eventTypes } = endpoint;
            process.stdout.write(`${JSON.stringify({ id, organizationId, directoryId, url, eventTypes, secret })}\n`);
            return;
          }
          process.stdout.write(
            `Webhook endpoint ${endpoint.id} added.\n\n` +
              `  Organization:   ${endpoint.organizationId}\n  Directories:    ${endpoint.directoryId ?? 'all of the organization'}\n` +
              `  URL:            ${endpoint.url}\n  Events:         ${endpoint.eventTypes.join(', ') || 'all'}\n  Signing secret: ${secret}\n\n` +
              `The secret is shown only this once: your app verifies each POST's webhook-signature with it (Standard Webhooks).\n` +
              `Events from now on are delivered; send a test event with: roster webhook test ${endpoint.id}\n`,
          );
        },
        { createKey: true },
      ),
    );
  webhook
    .command('worker')
    .description('deliver webhooks from a process of its own, beside `roster serve --no-webhooks` (several may run on PostgreSQL)')
    .addOption(databaseOption())
    .addOption(new Option('--log-level <level>', 'log level').env('ROSTER_LOG_LEVEL').default('info'))
    .action(async (opts) => {
      const logger = pino({ level: opts.logLevel });
      const connection = await connect(opts.database);
      const worker = new DeliveryWorker(connection.db, connection.dialect, deliveryWorkerOptions(connection, opts.database), logger);
      try {
        await worker.checkSecrets();
      } catch (error) {
        await connection.close();
        throw error;
      }
      worker.start();
      process.stdout.write(`Delivering webhooks (database: ${printableDatabase(opts.database)}); stop with Ctrl-C or SIGTERM.\n`);
      // Stopping aborts the requests in flight; their deliveries stay pending and are sent again (at least once).
      closeWithGrace({ delay: 15_000, logger }, async ({ err }) => {
        if (err) logger.error({ err }, 'uncaught error: stopping');
        await worker.stop();
        await connection.close();
      });
    });
  webhook
    .command('list')
    .description('list webhook endpoints')
    .option('--organization <id>', "only this organization's endpoints")
    .addOption(databaseOption())
    .option('--json', 'print JSON')
    .action(async (opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        const endpoints = await webhooks.list(opts.organization);
        if (opts.json) return json(endpoints);
        printTable(
          endpoints.map((e) => ({
            id: e.id,
            organization: e.organizationId,
            directory: e.directoryId ?? 'all',
            url: e.url,
            events: e.eventTypes.join(',') || 'all',
            state: e.enabled ? 'enabled' : `disabled: ${e.disabledReason ?? ''}`,
          })),
        );
      }),
    );
  webhook
    .command('remove')
    .description('remove an endpoint, with its pending deliveries and their history')
    .argument('<endpoint-id>')
    .addOption(databaseOption())
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        await webhooks.remove(id);
        process.stdout.write(`Webhook endpoint ${id} removed.\n`);
      }),
    );
  webhook
    .command('enable')
    .description('turn a disabled endpoint (410 Gone, or 3 days of failures) back on, resuming where it stopped')
    .argument('<endpoint-id>')
    .addOption(databaseOption())
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        await webhooks.enable(id);
        process.stdout.write(`Webhook endpoint ${id} enabled: what was pending when it was disabled is sent again, then the events since.\n`);
      }),
    );
  webhook
    .command('rotate-secret')
    .description('make a new signing secret; the old one keeps signing beside it for the overlap')
    .argument('<endpoint-id>')
    .option('--overlap-hours <hours>', 'how long the old secret keeps signing too', hours, 24)
    .addOption(databaseOption())
    .option('--json', 'print one JSON object {"id","secret","previousExpiresAt"}')
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        const { secret, previousExpiresAt } = await webhooks.rotateSecret(id, opts.overlapHours * HOUR_MS);
        if (opts.json) return json({ id, secret, previousExpiresAt });
        process.stdout.write(
          `New signing secret for ${id} (shown only this once):\n\n  ${secret}\n\n` +
            `Until ${previousExpiresAt} each delivery carries a signature with the old secret and one with the new,\n` +
            `so your app verifies with either while you deploy the new secret.\n`,
        );
      }),
    );
  webhook
    .command('test')
    .description("send a signed webhook.test event now and print the receiver's answer (exit 1 unless 2xx)")
    .argument('<endpoint-id>')
    .addOption(databaseOption())
    .option('--json', 'print JSON')
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        const outcome = await webhooks.sendTest(id);
        if (opts.json) json(outcome);
        else process.stdout.write(describeAnswer(outcome));
        if (outcome.status === null || outcome.status < 200 || outcome.status > 299) process.exitCode = 1;
      }),
    );
  webhook
    .command('replay')
    .description('send events again (same webhook-id): one event, or those that occurred in a time range')
    .argument('<endpoint-id>')
    .option('--event <event-id>', 'the event (evt_…)')
    .option('--since <time>', 'events at or after this time (ISO 8601, e.g. 2025-01-31T09:00:00Z)')
    .option('--until <time>', 'and before this time (default: now)')
    .addOption(databaseOption())
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        if (Boolean(opts.event) === Boolean(opts.since)) throw new InvalidArgumentError('give either --event <event-id> or --since <time>');
        if (opts.until && !opts.since) throw new InvalidArgumentError('--until goes with --since');
        const count = await webhooks.replay(id, opts.event ? { eventId: opts.event } : { since: opts.since, until: opts.until });
        process.stdout.write(`${count} ${count === 1 ? 'event' : 'events'} queued for delivery to ${id}.\n`);
      }),
    );
  webhook
    .command('deliveries')
    .description("an endpoint's recent deliveries, newest first, with the last answer to each")
    .argument('<endpoint-id>')
    .option('--limit <n>', 'how many', limit, 20)
    .addOption(databaseOption())
    .option('--json', 'print JSON')
    .action(async (id, opts) =>
      withWebhooks(opts.database, async (webhooks) => {
        const deliveries = await webhooks.deliveries(id, opts.limit);
        if (opts.json) return json(deliveries);
        printTable(
          deliveries.map((d) => ({
            created: d.createdAt,
            event: d.eventId ?? '(expired)',
            type: d.type ?? '',
            sequence: d.sequence,
            status: d.status,
            attempts: d.attempts,
            next: d.status === 'pending' ? d.nextAttemptAt : '',
            last: d.lastStatus ?? d.lastError ?? '',
          })),
        );
      }),
    );
}
