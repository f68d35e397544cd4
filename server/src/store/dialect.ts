import type { Knex } from 'knex';

/** The SQL dialects the plugin writes for; anything that is not Postgres is treated as SQLite. */
export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(knex: Knex): Dialect {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql'
    ? 'postgres'
    : 'sqlite';
}
