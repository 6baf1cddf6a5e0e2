import { createHash } from 'node:crypto';
import pg from 'pg';

/** Statements one connection keeps prepared at most; past this, new ones run unnamed (parsed every time). */
const MAX_NAMED_PER_CONNECTION = 500;

/**
 * A `pg` client that prepares each parameterised statement once per connection: it names the statement after a hash
 * of its text, and PostgreSQL then parses and plans it the first time only. Kysely sends every statement unnamed,
 * which made PostgreSQL parse and plan each one on each request (measured: +7% to +14% creates with names).
 *
 * A statement that reads `*` stays unnamed: a prepared plan whose result columns change fails ("cached plan must not
 * change result type"), and that is what a migration adding a column does to instances still running during a
 * rolling upgrade. Roster's hot statements list their columns.
 */
export class NamedStatementClient extends pg.Client {
  private named = 0;

  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && args.length === 2 && !text.includes('*')) {
      const name = `roster_${createHash('sha1').update(text).digest('base64url')}`;
      // pg remembers which names this connection has prepared, and sends only Bind/Execute for those.
      const prepared = (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements;
      if (name in prepared || this.named < MAX_NAMED_PER_CONNECTION) {
        if (!(name in prepared)) this.named++;
        return super.query({ name, text, values });
      }
    }
    return (super.query as (...a: any[]) => any)(...args);
  }
}
