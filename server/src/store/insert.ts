import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/**
 * `INSERT INTO table (cols) VALUES (…), (…) <tail>` as one raw statement, the same text on
 * SQLite and Postgres. knex compiles a multi-row SQLite insert into `SELECT … UNION ALL SELECT …`
 * — a compound select SQLite plans term by term (~1 ms a row at 500 rows) — so bulk writes on
 * the request and batch paths go through here. `tail` is an `ON CONFLICT …` / `RETURNING …`
 * clause with its own `bindings`. Every row must have the same keys as the first.
 */
export function insertValues(
  db: Db,
  table: string,
  rows: readonly Record<string, Knex.Value>[],
  tail = '',
  tailBindings: readonly Knex.Value[] = []
): Knex.Raw {
  if (rows.length === 0) throw new Error(`insertValues(${table}): no rows`);
  const columns = Object.keys(rows[0]);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const bindings: Knex.Value[] = [table, ...columns];
  for (const row of rows) for (const column of columns) bindings.push(row[column] ?? null);
  return db.raw(
    `insert into ?? (${columns.map(() => '??').join(', ')}) values ${rows.map(() => tuple).join(', ')} ${tail}`,
    [...bindings, ...tailBindings]
  );
}

/** Rows a raw statement returned (`RETURNING`): an array on SQLite, `{ rows }` on Postgres. */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] } | undefined)?.rows ?? []) as T[];
}
