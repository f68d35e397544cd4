import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { isTargetingEnabled, TARGETS_FIELD, type ModelLike } from './targeting';
import { SEGMENT_UID } from '../store/uids';
import { pluginKnex } from '../store/transaction';

/**
 * How a content-API list of a targeting-enabled type leaves out the rows a visitor may not see.
 *
 * Measured on the personalisation benchmark (SQLite, 25 of 100 rows hidden), against the same
 * list of a type without targeting: Strapi's own filter pipeline (a relation filter, or even
 * `filters: { id: { $notIn: [25 ids] } }`) cost ~25 % of the request; so did a query for the
 * hidden ids per request, or a NOT IN subquery in the page query and its count. What costs
 * ~nothing: the hidden ids cached per (type, visitor's segments) under a content version read
 * per request (one primary-key read; bumped after every write to an enabled type or a segment,
 * on any instance), added by a database lifecycle as a literal `id NOT IN (1, 2, …)` to the
 * queries of the document-service call.
 */

/**
 * Above this many hidden rows the filter is a subquery instead of a literal list (the default of
 * `targeting.maxHiddenIds`).
 */
export const MAX_HIDDEN_IDS = 1000;

interface JoinTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
}

function targetsJoin(strapi: Core.Strapi, uid: string) {
  const attribute = strapi.db.metadata.get(uid as never)?.attributes?.[TARGETS_FIELD] as
    | { joinTable?: JoinTable }
    | undefined;
  const join = attribute?.joinTable;
  const segments = strapi.db.metadata.get(SEGMENT_UID as never)?.tableName;
  return join && segments ? { join, segments } : null;
}

/**
 * SQL selecting the row ids of a targeting-enabled type that a visitor in `segmentKeys` must
 * not see: rows with at least one target and none among those segments. Null when the type has
 * no targets link table (the caller keeps Strapi's relation filter).
 */
export function hiddenRowsSubquery(
  strapi: Core.Strapi,
  uid: string,
  segmentKeys: readonly string[]
): Knex.Raw | null {
  const tables = targetsJoin(strapi, uid);
  if (!tables) return null;
  const { join, segments } = tables;
  const knex = pluginKnex(strapi);
  const row = join.joinColumn.name;
  // `is not null`: one NULL in a NOT IN list would make the outer test unknown for every row.
  const targeted = 'select distinct ?? as id from ?? as ?? where ?? is not null';
  const bindings: Knex.RawBinding[] = [`t.${row}`, join.name, 't', `t.${row}`];
  if (!segmentKeys.length) return knex.raw(targeted, bindings);
  const keys = segmentKeys.map(() => '?').join(', ');
  return knex.raw(
    `${targeted} and ?? not in (select ?? from ?? as ?? join ?? as ?? on ?? = ?? where ?? in (${keys}))`,
    [
      ...bindings,
      `t.${row}`,
      `l.${row}`,
      join.name,
      'l',
      segments,
      's',
      's.id',
      `l.${join.inverseJoinColumn.name}`,
      's.key',
      ...segmentKeys,
    ]
  );
}

/**
 * What a list must leave out: up to `maxIds` ids (read once), else the whole subquery;
 * null without a link table. Plain data, never a knex builder: a builder is a thenable, and
 * resolving a promise with one runs it.
 */
export type HiddenRows = { ids: number[] } | { subquery: true } | null;

export async function readHiddenRows(
  strapi: Core.Strapi,
  uid: string,
  segmentKeys: readonly string[],
  maxIds = MAX_HIDDEN_IDS
): Promise<HiddenRows> {
  const subquery = hiddenRowsSubquery(strapi, uid, segmentKeys);
  if (!subquery) return null;
  const rows = (await pluginKnex(strapi)
    .select('id')
    .from(subquery.wrap('(', ') as hidden'))
    .limit(maxIds + 1)) as Array<{ id: number | string }>;
  if (rows.length > maxIds) return { subquery: true };
  return { ids: rows.map((r) => Number(r.id)) };
}

/** The `$notIn` value for hidden rows (undefined: nothing to leave out, or no link table). */
export function hiddenRowsValue(
  strapi: Core.Strapi,
  uid: string,
  segmentKeys: readonly string[],
  hidden: HiddenRows
): Knex.Raw | undefined {
  if (!hidden) return undefined;
  if ('subquery' in hidden) return hiddenRowsSubquery(strapi, uid, segmentKeys) ?? undefined;
  if (!hidden.ids.length) return undefined;
  // Integers from our own query, checked again: they are written into the SQL text (a literal
  // list is far cheaper for SQLite to prepare than as many bound parameters).
  if (!hidden.ids.every(Number.isSafeInteger)) return hiddenRowsSubquery(strapi, uid, segmentKeys) ?? undefined;
  return pluginKnex(strapi).raw(hidden.ids.join(', '));
}

/**
 * The hidden-rows filters of the document-service reads in flight in one content-API request,
 * by type, kept on the request's state: Strapi's request context carries it into every query
 * of the request (an AsyncLocalStorage of our own would add a hook to every promise of the call).
 * Set only while a read of that type runs, so a custom route's own `strapi.db.query(...)` calls
 * before or after it see every row.
 */
export interface HiddenRowsState {
  segmentsHiddenRows?: Map<string, { hidden: Knex.Raw; running: number }>;
}

export async function withHiddenRows<T>(
  state: HiddenRowsState,
  uid: string,
  hidden: Knex.Raw,
  run: () => T
): Promise<Awaited<T>> {
  const scopes = (state.segmentsHiddenRows ??= new Map());
  const scope = scopes.get(uid) ?? { hidden, running: 0 };
  scope.running += 1;
  scopes.set(uid, scope);
  try {
    return await run();
  } finally {
    scope.running -= 1;
    if (scope.running === 0) scopes.delete(uid);
  }
}

type Where = Record<string, unknown> | Record<string, unknown>[] | undefined;

/**
 * Database lifecycles that add `id NOT IN (…)` to the reads of a type while the request reads
 * it through the document service. Strapi hands the same `params` object on to the query it
 * then builds; its query engine takes a knex raw or subquery as the value of `$notIn`.
 */
export function registerHiddenRowsLifecycles(strapi: Core.Strapi): void {
  const restrict = (event: { model: { uid: string }; params: { where?: Where } }) => {
    const state = (strapi.requestContext.get() as { state?: HiddenRowsState } | undefined)?.state;
    const scope = state?.segmentsHiddenRows?.get(event.model.uid);
    if (!scope) return;
    const visible = { id: { $notIn: scope.hidden } };
    const { where } = event.params;
    event.params.where = where && Object.keys(where).length ? { $and: [where, visible] } : visible;
  };
  strapi.db.lifecycles.subscribe({
    beforeFindOne: restrict,
    beforeFindMany: restrict,
    beforeCount: restrict,
  } as never);
}

/**
 * After any write to an entry of a targeting-enabled type or to a segment, the cached hidden
 * rows of every instance are stale: bump the `targeting` content version. Database lifecycles,
 * so writes through the query engine count as well as the document service's.
 */
export function registerTargetingVersionBumps(strapi: Core.Strapi): void {
  const models = [
    SEGMENT_UID,
    ...Object.values(strapi.contentTypes)
      .filter((ct) => isTargetingEnabled(ct as unknown as ModelLike))
      .map((ct) => ct.uid as string),
  ];
  const bump = () => strapi.plugin('segments').service('personalization').invalidateTargeting() as Promise<void>;
  // A recompute records each segment's size and time: not a change targeting can see.
  const BOOKKEEPING = new Set(['computedSize', 'computedAt', 'updatedAt']);
  const bumpUnlessBookkeeping = (event: { model: { uid: string }; params?: { data?: object } }) => {
    const data = event.params?.data;
    if (event.model.uid === SEGMENT_UID && data && Object.keys(data).every((k) => BOOKKEEPING.has(k)))
      return undefined;
    return bump();
  };
  strapi.db.lifecycles.subscribe({
    models,
    afterCreate: bump,
    afterCreateMany: bump,
    afterUpdate: bumpUnlessBookkeeping,
    afterUpdateMany: bumpUnlessBookkeeping,
    afterDelete: bump,
    afterDeleteMany: bump,
  } as never);
}
