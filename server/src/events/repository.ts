import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import {
  ensureProfiles,
  profileTargetKey,
  toJsonColumn,
  touchProfileQuery,
  touchSeenBulk,
  type ProfileTarget,
  type PromotedColumns,
} from '../profiles/repository';
import { aggregate, aggregateGroups, type Aggregate, type RollupDelta, type StoredEvent } from './rollups';
import { dialectOf } from '../store/dialect';
import { insertValues, returnedRows } from '../store/insert';
import { utcDay } from '../utils/days';
import { writeBatchPostgres } from './postgres-batch';
import type { EnrichedContext } from './context';
import type { NormalizedEvent } from './validate';

type Db = Knex | Knex.Transaction;

const INSERT_CHUNK = 200;

const rollupUpsert = (db: Db, deltas: RollupDelta[]) =>
  insertValues(
    db,
    TABLES.rollups,
    deltas.map((d) => ({
      profile_id: d.profileId,
      event: d.event,
      day: d.day,
      count: d.count,
      value_sum: d.valueSum,
    })),
    'on conflict (profile_id, event, day) do update set count = ??.count + excluded.count, value_sum = ??.value_sum + excluded.value_sum',
    [TABLES.rollups, TABLES.rollups]
  );

const activityInsert = (db: Db, days: { profileId: number; day: string }[]) =>
  insertValues(
    db,
    TABLES.activityDays,
    days.map((d) => ({ profile_id: d.profileId, day: d.day })),
    'on conflict (profile_id, day) do nothing'
  );

/** Adds counts and sums to existing rollup rows (insert or add, one statement per chunk). */
export async function addRollups(db: Db, deltas: RollupDelta[]): Promise<void> {
  for (let i = 0; i < deltas.length; i += INSERT_CHUNK)
    await rollupUpsert(db, deltas.slice(i, i + INSERT_CHUNK));
}

export async function addActivityDays(
  db: Db,
  days: { profileId: number; day: string }[]
): Promise<void> {
  for (let i = 0; i < days.length; i += INSERT_CHUNK)
    await activityInsert(db, days.slice(i, i + INSERT_CHUNK));
}

/** Rollups, activity days and the requester's profile touch (SQLite, and Postgres imports). */
async function writeTotals(
  db: Db,
  totals: Aggregate,
  requesterTouch: Knex.QueryBuilder | undefined
) {
  await addRollups(db, totals.rollups);
  await addActivityDays(db, totals.activity);
  if (requesterTouch) await requesterTouch;
}

/** Context columns a batch's CDN headers and client fill in on the profile. */
export function promotedFromContext(context: EnrichedContext): PromotedColumns {
  const columns: PromotedColumns = {};
  const { geo } = context;
  if (geo.country) {
    // A new country invalidates the finer geo of the old one.
    columns.country = geo.country;
    columns.region = geo.region ?? null;
    columns.city = geo.city ?? null;
    columns.latitude = geo.latitude ?? null;
    columns.longitude = geo.longitude ?? null;
  }
  if (context.timezone) columns.timezone = context.timezone;
  if (context.locale) columns.locale = context.locale;
  return columns;
}

export function storedContext(context: EnrichedContext): object | undefined {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { geo, locale: _locale, ...rest } = context;
  return Object.keys(rest).length ? rest : undefined;
}

export interface IngestInput {
  events: NormalizedEvent[];
  /** The requesting visitor, for events that do not name one (everyone but API tokens). */
  defaultTarget: ProfileTarget | null;
  context: EnrichedContext | null;
  now: number;
  /**
   * Imports of history: events older than this (the raw-event retention) only feed the rollups
   * and activity days, which are kept longer; they are not stored raw (they would be purged).
   */
  rawEventsBefore?: number;
  /** Calendar day of an instant in the reporting time zone (activity days); UTC by default. */
  activityDay?: (epochMs: number) => string;
  /**
   * Runs inside the batch's transaction with the profiles it touched and the names of their
   * events, last: what depends on the batch (the real-time membership queue) commits or rolls
   * back with it.
   */
  afterWrite?: (trx: Knex.Transaction, eventsOf: ReadonlyMap<number, string[]>) => Promise<void>;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
  profileIds: number[];
}

const targetKey = profileTargetKey;

/** Each event's profile, created on first sight (`profileIds[i]` is event i's). */
async function resolveProfiles(db: Db, input: IngestInput) {
  const targets = input.events.map((event) => {
    const target = event.subject ?? input.defaultTarget;
    if (!target) throw new Error('ingestEvents: an event without a visitor reached the store');
    return { target, seenAt: event.occurredAt };
  });
  const resolved = await ensureProfiles(db, targets, input.now);
  const profileOf = new Map<string, number>();
  const profileIds = targets.map(({ target }) => {
    const key = targetKey(target);
    const profileId = resolved.get(key) as number;
    profileOf.set(key, profileId);
    return profileId;
  });
  const requesterId = input.defaultTarget ? profileOf.get(targetKey(input.defaultTarget)) : undefined;
  return { profileIds, profileOf, requesterId };
}

/** The event names of the batch per profile (`profileIds[i]` is event i's). */
function eventNamesByProfile(profileIds: readonly number[], events: IngestInput['events']) {
  const names = new Map<number, Set<string>>();
  profileIds.forEach((id, i) => {
    if (!names.has(id)) names.set(id, new Set());
    names.get(id)!.add(events[i].name);
  });
  return new Map([...names].map(([id, set]) => [id, [...set]]));
}

/** Each event's profile (created on first sight) and its row for the events table. */
async function eventRows(db: Db, input: IngestInput) {
  const { profileIds, profileOf, requesterId } = await resolveProfiles(db, input);
  const rows: Record<string, unknown>[] = input.events.map((event, i) => ({
    profile_id: profileIds[i],
    name: event.name,
    occurred_at: event.occurredAt,
    received_at: input.now,
    value: event.value,
    properties: toJsonColumn(event.properties),
    message_id: event.messageId,
  }));
  return { rows, profileOf, requesterId };
}

/**
 * Postgres, live events (no import cut-off): profiles resolved, then the batch in one
 * statement (events/postgres-batch.ts). Both run in one transaction: resolving creates the
 * profiles of first-time visitors, and a batch statement that fails (a constraint, a lost
 * connection) must not leave them behind as empty profiles.
 */
async function ingestPostgres(knex: Knex, input: IngestInput): Promise<IngestResult> {
  const { groups, profileOf } = await knex.transaction(async (trx) => {
    const resolved = await resolveProfiles(trx, input);
    const groups = await writePostgresBatch(trx, input, resolved);
    if (input.afterWrite)
      await input.afterWrite(trx, eventNamesByProfile(resolved.profileIds, input.events));
    return { groups, profileOf: resolved.profileOf };
  });
  const totals = aggregateGroups(groups);
  const stored = groups.reduce((sum, group) => sum + group.count, 0);
  if (stored) notifyStored(totals);
  return {
    stored,
    duplicates: input.events.length - stored,
    profileIds: [...new Set(profileOf.values())],
  };
}

function writePostgresBatch(
  trx: Knex.Transaction,
  input: IngestInput,
  { profileIds, requesterId }: Awaited<ReturnType<typeof resolveProfiles>>
) {
  return writeBatchPostgres(trx, {
    rows: input.events.map((event, i) => ({
      p: profileIds[i],
      n: event.name,
      o: event.occurredAt,
      v: event.value,
      j: event.properties,
      m: event.messageId,
    })),
    now: input.now,
    activityDay: input.activityDay ?? utcDay,
    requester:
      requesterId === undefined
        ? undefined
        : {
            id: requesterId,
            ...(input.context
              ? { context: storedContext(input.context), columns: promotedFromContext(input.context) }
              : {}),
          },
  });
}

/**
 * Stores a validated batch: profiles created on first sight, events inserted (a repeated
 * messageId is skipped by the unique index), and only the rows actually inserted feed the
 * rollups, activity days and last-seen — all in one transaction.
 */
export async function ingestEvents(knex: Knex, input: IngestInput): Promise<IngestResult> {
  if (dialectOf(knex) === 'postgres' && input.rawEventsBefore === undefined)
    return ingestPostgres(knex, input);
  const written: { totals?: Aggregate } = {};
  const result = await knex.transaction(async (trx) => {
    const { rows, profileOf, requesterId } = await eventRows(trx, input);
    const eventsOf = eventNamesByProfile(
      rows.map((row) => row.profile_id as number),
      input.events
    );

    const stored: StoredEvent[] = [];
    const cutoff = input.rawEventsBefore;
    if (cutoff !== undefined) {
      const rollupOnly = rows.filter((row) => (row.occurred_at as number) < cutoff);
      for (const row of rollupOnly) {
        stored.push({
          profileId: row.profile_id as number,
          name: row.name as string,
          occurredAt: row.occurred_at as number,
          value: row.value as number | null,
        });
      }
      rows.splice(0, rows.length, ...rows.filter((row) => (row.occurred_at as number) >= cutoff));
    }
    const total = rows.length + stored.length;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const inserted = returnedRows<{
        profile_id: number | string;
        name: string;
        occurred_at: number | string;
        value: number | string | null;
      }>(
        await insertValues(
          trx,
          TABLES.events,
          rows.slice(i, i + INSERT_CHUNK) as Record<string, Knex.Value>[],
          'on conflict (profile_id, message_id) do nothing returning profile_id, name, occurred_at, value'
        )
      );
      for (const row of inserted) {
        stored.push({
          profileId: Number(row.profile_id),
          name: row.name,
          occurredAt: Number(row.occurred_at),
          value: row.value === null ? null : Number(row.value),
        });
      }
    }

    const totals = aggregate(stored, input.activityDay);
    // The request's context describes the requesting device: it only goes on the requester's
    // profile, never on profiles an API-token caller names per event.
    const seen = [...new Set(profileOf.values())].map((id) => ({
      id,
      lastSeenAt: totals.lastSeen.get(id) ?? input.now,
      firstSeenAt: totals.firstSeen.get(id) ?? input.now,
    }));
    const requester = seen.find((p) => p.id === requesterId);
    const requesterTouch = requester
      ? touchProfileQuery(
          trx,
          requester.id,
          {
            ...requester,
            ...(input.context
              ? {
                  context: storedContext(input.context),
                  columns: promotedFromContext(input.context),
                }
              : {}),
          },
          input.now
        )
      : undefined;
    await writeTotals(trx, totals, requesterTouch);
    written.totals = totals;
    await touchSeenBulk(
      trx,
      seen.filter((p) => p.id !== requesterId),
      input.now
    );
    if (input.afterWrite) await input.afterWrite(trx, eventsOf);
    return {
      stored: stored.length,
      duplicates: total - stored.length,
      profileIds: [...new Set(profileOf.values())],
    };
  });
  if (written.totals) notifyStored(written.totals);
  return result;
}

/**
 * Listeners told, after commit, which activity days and rollup days a batch touched (the
 * analytics pre-aggregates refresh those days). A listener must not throw or block.
 */
export type StoredListener = (totals: Aggregate) => void;
const storedListeners = new Set<StoredListener>();

export function onEventsStored(listener: StoredListener): () => void {
  storedListeners.add(listener);
  return () => storedListeners.delete(listener);
}

function notifyStored(totals: Aggregate) {
  for (const listener of storedListeners) listener(totals);
}
