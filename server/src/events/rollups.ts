import { utcDay } from '../utils/days';

/**
 * What a set of newly stored events adds to the daily rollups and activity days. Pure: the
 * repository feeds it the rows the database actually inserted (duplicates excluded).
 */
export interface StoredEvent {
  profileId: number;
  name: string;
  occurredAt: number;
  value: number | null;
}

export interface RollupDelta {
  profileId: number;
  event: string;
  day: string;
  count: number;
  valueSum: number;
}

export interface Aggregate {
  rollups: RollupDelta[];
  activity: { profileId: number; day: string }[];
  /** Latest event time per profile (for last_seen_at). */
  lastSeen: Map<number, number>;
  firstSeen: Map<number, number>;
}

/**
 * Stored events already grouped by (profile, event, UTC day, activity day) — what the Postgres
 * batch statement answers instead of every inserted row.
 */
export interface StoredGroup {
  profileId: number;
  event: string;
  day: string;
  activityDay: string;
  count: number;
  valueSum: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Rollup days are UTC (the rule language's windows count UTC days); activity days use
 * `activityDay`, the reporting time zone's calendar (UTC unless configured).
 */
export function aggregate(
  events: StoredEvent[],
  activityDay: (epochMs: number) => string = utcDay
): Aggregate {
  return aggregateGroups(
    events.map((event) => ({
      profileId: event.profileId,
      event: event.name,
      day: utcDay(event.occurredAt),
      activityDay: activityDay(event.occurredAt),
      count: 1,
      valueSum: event.value ?? 0,
      firstAt: event.occurredAt,
      lastAt: event.occurredAt,
    }))
  );
}

/** What `aggregate` computes, from events already grouped (the Postgres batch statement's answer). */
export function aggregateGroups(groups: StoredGroup[]): Aggregate {
  const rollups = new Map<string, RollupDelta>();
  const activity = new Map<string, { profileId: number; day: string }>();
  const lastSeen = new Map<number, number>();
  const firstSeen = new Map<number, number>();
  for (const group of groups) {
    const key = `${group.profileId}\u0000${group.event}\u0000${group.day}`;
    const delta = rollups.get(key) ?? {
      profileId: group.profileId,
      event: group.event,
      day: group.day,
      count: 0,
      valueSum: 0,
    };
    delta.count += group.count;
    delta.valueSum += group.valueSum;
    rollups.set(key, delta);
    activity.set(`${group.profileId}\u0000${group.activityDay}`, {
      profileId: group.profileId,
      day: group.activityDay,
    });
    lastSeen.set(group.profileId, Math.max(lastSeen.get(group.profileId) ?? 0, group.lastAt));
    firstSeen.set(
      group.profileId,
      Math.min(firstSeen.get(group.profileId) ?? Number.MAX_SAFE_INTEGER, group.firstAt)
    );
  }
  return { rollups: [...rollups.values()], activity: [...activity.values()], lastSeen, firstSeen };
}
