import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Stands in for a run-time value while the query is compiled; upper case, so a lower-cased copy is recognisable. */
const MARKER = '\u0000ROSTER-PARAM:';

type Slot<P> = { param: keyof P & string; lower: boolean } | { value: unknown };

/**
 * A Kysely query built and compiled once, then run with new values: building and compiling a query costs more than
 * SQLite takes to run a primary-key lookup, and the hot paths (auth, get by id, insert a user, append a change) run
 * the same few queries thousands of times a second.
 *
 * `build` receives `param(name)`, a stand-in for a value supplied at run time. The query may bind it as it is or
 * lower-cased (what the filter compiler does for case-insensitive attributes); any other use of it in JavaScript
 * cannot be replayed, and the constructor throws.
 */
export class PreparedQuery<P extends Record<string, unknown>, Row> {
  private readonly compiled: CompiledQuery<Row>;
  private readonly slots: Slot<P>[];
  /** The parameters the compiled query binds; one `build` used without binding was read in JavaScript instead. */
  readonly bound: ReadonlySet<string>;

  constructor(build: (param: <K extends keyof P & string>(name: K) => P[K]) => Compilable<Row>) {
    const names = new Map<string, { name: keyof P & string; lower: boolean }>();
    const param = <K extends keyof P & string>(name: K): P[K] => {
      const marker = `${MARKER}${name}`;
      names.set(marker, { name, lower: false });
      names.set(marker.toLowerCase(), { name, lower: true });
      return marker as P[K];
    };
    this.compiled = build(param).compile();
    this.slots = this.compiled.parameters.map((value) => {
      const found = typeof value === 'string' ? names.get(value) : undefined;
      if (found) return { param: found.name, lower: found.lower };
      if (typeof value === 'string' && value.toUpperCase().includes(MARKER)) {
        throw new Error(`a prepared parameter was transformed in a way that cannot be replayed: ${JSON.stringify(value)}`);
      }
      return { value };
    });
    this.bound = new Set(this.slots.flatMap((slot) => ('param' in slot ? [slot.param] : [])));
  }

  private bind(params: P): unknown[] {
    return this.slots.map((slot) => {
      if (!('param' in slot)) return slot.value;
      const value = params[slot.param];
      return slot.lower && typeof value === 'string' ? value.toLowerCase() : value;
    });
  }

  /** Runs the query on `db` (the database or a transaction) with `params`. */
  async execute(db: Kysely<any>, params: P): Promise<Row[]> {
    const result = await db.executeQuery<Row>({ ...this.compiled, parameters: this.bind(params) });
    return result.rows;
  }

  async first(db: Kysely<any>, params: P): Promise<Row | undefined> {
    return (await this.execute(db, params))[0];
  }
}

/**
 * `{ column: param(column) }` for each column: the values of a prepared INSERT or UPDATE. Typed loosely on
 * purpose; the statement's own parameter type `P` checks the values given at run time.
 */
export function parameters<const C extends string>(columns: readonly C[], param: (name: C) => unknown): Record<C, any> {
  return Object.fromEntries(columns.map((column) => [column, param(column)])) as Record<C, any>;
}
