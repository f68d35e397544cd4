import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { returnedRows } from '../store/insert';
import type { PromotedColumns } from '../profiles/repository';
import { utcDay } from '../utils/days';
import type { StoredGroup } from './rollups';

/** One event as the batch statement reads it from its JSON parameter (short keys: less JSON). */
export interface BatchEventRow {
  p: number;
  n: string;
  o: number;
  v: number | null;
  j: Record<string, unknown> | null;
  m: string | null;
}

export interface RequesterTouch {
  id: number;
  context?: object;
  columns?: PromotedColumns;
}

export interface PostgresBatch {
  rows: BatchEventRow[];
  now: number;
  activityDay: (epochMs: number) => string;
  /** The requesting visitor's profile: it also takes the request's context and geo columns. */
  requester?: RequesterTouch;
}

/**
 * A whole batch in ONE Postgres statement: the events insert (a repeated messageId is skipped
 * by the unique index) feeds, through data-modifying CTEs, the rollups, the activity days and
 * every profile's first/last seen — only for the rows actually inserted: 1 round trip instead
 * of 5. (The caller still wraps it in a transaction with the profile creation before it.)
 * The rows and their days travel as two JSON parameters (`json_to_recordset`), not as
 * hundreds of bind values that knex and pg would each process.
 *
 * Days are computed here in JavaScript, with the same functions as the SQLite path (the
 * reporting time zone goes through `Intl`, never through the database's zone data), and are
 * joined back to the inserted rows by their instant. Answers one row per
 * (profile, event, UTC day, activity day) group of inserted events.
 */
export async function writeBatchPostgres(db: Knex, batch: PostgresBatch): Promise<StoredGroup[]> {
  const days = new Map<number, { o: number; d: string; l: string }>();
  for (const row of batch.rows) {
    if (!days.has(row.o)) days.set(row.o, { o: row.o, d: utcDay(row.o), l: batch.activityDay(row.o) });
  }
  const { requester } = batch;
  const bindings: Knex.Value[] = [
    JSON.stringify(batch.rows),
    JSON.stringify([...days.values()]),
    TABLES.events,
    batch.now,
    TABLES.rollups,
    TABLES.rollups,
    TABLES.rollups,
    TABLES.activityDays,
  ];
  const seen = (alias: string) =>
    `last_seen_at = greatest(??.last_seen_at, ${alias}.l), first_seen_at = least(??.first_seen_at, ${alias}.f), updated_at = ?::bigint`;
  let requesterCte = '';
  if (requester) {
    const sets: string[] = [];
    const setBindings: Knex.Value[] = [];
    if (requester.context) {
      sets.push(', context = ?::jsonb');
      setBindings.push(JSON.stringify(requester.context));
    }
    for (const [column, value] of Object.entries(requester.columns ?? {})) {
      sets.push(', ?? = ?');
      setBindings.push(column, value as Knex.Value);
    }
    requesterCte = `, req as (update ?? set ${seen('s')}${sets.join('')}
      from (select coalesce(max(o), ?::bigint) as l, coalesce(min(o), ?::bigint) as f from kept where p = ?::bigint) s
      where ??.id = ?::bigint)`;
    bindings.push(TABLES.profiles, TABLES.profiles, TABLES.profiles, batch.now, ...setBindings);
    bindings.push(batch.now, batch.now, requester.id, TABLES.profiles, requester.id);
  }
  bindings.push(TABLES.profiles, TABLES.profiles, TABLES.profiles, batch.now);
  bindings.push(batch.now, batch.now, requester?.id ?? null, TABLES.profiles);
  const sql = `with src as (
      select * from json_to_recordset(?::json) as x(p bigint, n text, o bigint, v double precision, j jsonb, m text)),
    days as (select * from json_to_recordset(?::json) as x(o bigint, d text, l text)),
    ins as (insert into ?? (profile_id, name, occurred_at, received_at, value, properties, message_id)
      select p, n, o, ?::bigint, v, j, m from src
      on conflict (profile_id, message_id) do nothing
      returning profile_id, name, occurred_at, value),
    kept as (select i.profile_id as p, i.name as n, i.occurred_at as o, i.value as v, days.d, days.l
      from ins i join days on days.o = i.occurred_at),
    r as (insert into ?? (profile_id, event, day, count, value_sum)
      select p, n, d, count(*), coalesce(sum(v), 0) from kept group by p, n, d
      on conflict (profile_id, event, day) do update
        set count = ??.count + excluded.count, value_sum = ??.value_sum + excluded.value_sum),
    a as (insert into ?? (profile_id, day) select distinct p, l from kept on conflict (profile_id, day) do nothing)
    ${requesterCte},
    oth as (update ?? set ${seen('s')}
      from (select b.p as id, coalesce(max(kept.o), ?::bigint) as l, coalesce(min(kept.o), ?::bigint) as f
            from (select distinct p from src where p is distinct from ?::bigint) b
            left join kept on kept.p = b.p group by b.p) s
      where ??.id = s.id)
    select p, n, d, l, count(*) as c, coalesce(sum(v), 0) as s, min(o) as lo, max(o) as hi
    from kept group by p, n, d, l`;
  const rows = returnedRows<{
    p: string | number;
    n: string;
    d: string;
    l: string;
    c: string | number;
    s: string | number;
    lo: string | number;
    hi: string | number;
  }>(await db.raw(sql, bindings));
  return rows.map((row) => ({
    profileId: Number(row.p),
    event: row.n,
    day: row.d,
    activityDay: row.l,
    count: Number(row.c),
    valueSum: Number(row.s),
    firstAt: Number(row.lo),
    lastAt: Number(row.hi),
  }));
}
