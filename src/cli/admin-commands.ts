import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import type { Command, Option } from 'commander';
import type { RosterApp } from '../http/app.ts';
import { printTable } from './print-table.ts';

type WithApp = <T>(database: string, work: (roster: RosterApp) => Promise<T>) => Promise<T>;

/**
 * The password of `admin create` and `admin set-password`: from stdin with --password-stdin (for scripts, and kept out
 * of `ps` and shell history), else a new random one that is printed once.
 */
async function passwordFrom(opts: { passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (opts.passwordStdin) return { password: (await text(process.stdin)).replace(/\r?\n$/, ''), generated: false };
  return { password: randomBytes(18).toString('base64url'), generated: true };
}

function tellPassword(username: string, { password, generated }: { password: string; generated: boolean }): string {
  return generated ? `Password of ${username} (shown only this once):\n\n  ${password}\n` : '';
}

/** `roster admin …`: operator accounts of the admin portal (/portal). */
export function registerAdminCommands(program: Command, databaseOption: () => Option, withApp: WithApp): void {
  const admin = program.command('admin').description('manage operator accounts of the admin portal (/portal)');
  admin
    .command('create')
    .description('create an operator account; without --password-stdin a strong password is generated and printed once')
    .requiredOption('--username <name>', 'the name to sign in with')
    .option('--password-stdin', 'read the password from stdin (at least 12 characters)')
    .addOption(databaseOption())
    .action(async (opts) =>
      withApp(opts.database, async (roster) => {
        const password = await passwordFrom(opts);
        const created = await roster.admins.create(opts.username, password.password);
        process.stdout.write(`Operator ${created.username} created: sign in at /portal.\n${tellPassword(created.username, password)}`);
      }),
    );
  admin
    .command('set-password')
    .description("set an operator's password: lifts a lock-out and ends the account's sessions")
    .requiredOption('--username <name>', 'the account')
    .option('--password-stdin', 'read the password from stdin (at least 12 characters)')
    .addOption(databaseOption())
    .action(async (opts) =>
      withApp(opts.database, async (roster) => {
        const password = await passwordFrom(opts);
        await roster.admins.setPassword(opts.username, password.password);
        process.stdout.write(`Password of ${opts.username} changed; its sessions are ended.\n${tellPassword(opts.username, password)}`);
      }),
    );
  admin
    .command('list')
    .description('list operator accounts')
    .addOption(databaseOption())
    .action(async (opts) =>
      withApp(opts.database, async (roster) => {
        printTable(
          (await roster.admins.list()).map((a) => ({
            username: a.username,
            created: a.created_at,
            lastSignIn: a.last_sign_in_at ?? 'never',
            locked: a.locked_until && a.locked_until > new Date().toISOString() ? `until ${a.locked_until}` : '',
          })),
        );
      }),
    );
}
