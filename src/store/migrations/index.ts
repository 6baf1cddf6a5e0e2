import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as events from './0002-events.ts';
import * as admin from './0003-admin.ts';
import * as sso from './0004-sso.ts';
import * as oidc from './0005-oidc.ts';
import * as ssoPublicClient from './0006-sso-public-client.ts';
import * as entraSessions from './0007-entra-sessions.ts';

/** Migrations ship inside the code (no files to find at run time); names sort in the order they apply. */
export const migrations: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial': initial,
      '0002-events': events,
      '0003-admin': admin,
      '0004-sso': sso,
      '0005-oidc': oidc,
      '0006-sso-public-client': ssoPublicClient,
      '0007-entra-sessions': entraSessions,
    };
  },
};
