/**
 * The segments recompute benchmark's measured work, in a process of its own so peak RSS is its
 * own:  node -r tsx/cjs segments-recompute-child.ts <db file>
 * Recomputes SEGMENTS (20 rules: traits, behaviour, geo, and segments built on others) in
 * dependency order twice — the first computation (everyone enters) and a steady-state pass
 * (nothing changed: an empty diff) — then, as the baseline, only counts the same 20 rules.
 * Prints `RESULT {"initialMs":…,"steadyMs":…,"countMs":…,"members":…,"maxRssMb":…}`.
 */
import knexFactory from 'knex';
import { runMigrations } from '../../server/src/migrations';
import { countMatchingProfiles } from '../../server/src/rules/sql';
import { TABLES } from '../../server/src/store/tables';
import { dependencyOrder } from '../../server/src/segments/order';
import { recomputeSegment } from '../../server/src/segments/recompute';
import type { Rule } from '../../server/src/rules';
import { NOW } from './rules-batch-data';

const days = (n: number) => ({ days: n });
export const SEGMENTS: { key: string; rule: Rule }[] = [
  { key: 'pro', rule: { plan: 'pro' } },
  { key: 'team', rule: { plan: 'team' } },
  { key: 'paid', rule: { plan: { $in: ['pro', 'team'] } } },
  { key: 'trial', rule: { plan: 'trial' } },
  { key: 'young', rule: { age: { $lt: 25 } } },
  { key: 'adults-40', rule: { age: { $gte: 40 } } },
  { key: 'germany', rule: { country: 'DE' } },
  { key: 'france', rule: { country: 'FR' } },
  { key: 'near-berlin', rule: { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 300 } } },
  { key: 'buyers-30d', rule: { $event: { name: 'purchase', within: days(30), count: { $gte: 1 } } } },
  { key: 'big-spenders', rule: { $event: { name: 'purchase', within: days(90), sum: { $gte: 150 } } } },
  { key: 'engaged', rule: { $event: { name: 'open', within: days(7), activeDays: { $gte: 3 } } } },
  { key: 'searchers', rule: { $event: { name: 'search', within: days(14), count: { $gte: 2 } } } },
  { key: 'sharers', rule: { $event: { name: 'share', within: days(30), count: { $gte: 1 } } } },
  { key: 'lapsed', rule: { $not: { $event: { name: 'open', within: days(14), count: { $gte: 1 } } } } },
  { key: 'paid-germany', rule: { $and: [{ $segment: 'paid' }, { $segment: 'germany' }] } },
  { key: 'paid-buyers', rule: { $and: [{ $segment: 'paid' }, { $segment: 'buyers-30d' }] } },
  { key: 'young-engaged', rule: { $and: [{ $segment: 'young' }, { $segment: 'engaged' }] } },
  { key: 'win-back', rule: { $or: [{ $segment: 'lapsed' }, { $and: [{ plan: 'trial' }, { age: { $gte: 30 } }] }] } },
  {
    key: 'vip-berlin',
    rule: {
      $and: [
        { $segment: 'near-berlin' },
        { $event: { name: 'purchase', within: days(30), count: { $gte: 2 } } },
        { age: { $gte: 25 } },
      ],
    },
  },
];

async function main() {
  const [file] = process.argv.slice(2);
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  await runMigrations(knex, { owner: 'bench' });
  const keyToId = new Map(SEGMENTS.map((s) => [s.key, `bench-${s.key}`]));
  const options = { now: NOW, retentionDays: 90, keyToId };
  const pass = async () => {
    const started = process.hrtime.bigint();
    let members = 0;
    for (const segment of dependencyOrder(SEGMENTS)) {
      const result = await recomputeSegment(knex, { id: keyToId.get(segment.key) as string, ...segment }, options);
      members += result.size;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, members };
  };
  const initial = await pass();
  const steady = await pass();
  if (steady.members !== initial.members) throw new Error('steady-state pass changed the memberships');

  const started = process.hrtime.bigint();
  let counted = 0;
  for (const segment of dependencyOrder(SEGMENTS)) {
    counted += await countMatchingProfiles(knex, segment.rule, {
      now: NOW,
      retentionDays: 90,
      segmentMembers: (key: string) =>
        knex(TABLES.memberships).select('profile_id').where('segment_id', keyToId.get(key) as string),
    });
  }
  const countMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (counted !== initial.members) throw new Error(`counts (${counted}) differ from memberships (${initial.members})`);
  await knex.destroy();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `RESULT ${JSON.stringify({ initialMs: initial.ms, steadyMs: steady.ms, countMs, members: initial.members, maxRssMb })}\n`
  );
}

if (require.main === module) main().catch((error) => {
  console.error(error);
  process.exit(1);
});
