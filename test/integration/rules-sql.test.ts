/**
 * The SQL path (compiled SQL + streamed in-memory residual) on a real database: every GrowthBook
 * evalCondition case stored as a profile, and extension edge cases (empty histories, null
 * traits, window boundaries).
 */
import { useStrapi } from './helpers/strapi';
import { clearProfiles, insertProfiles, type FixtureProfile } from './helpers/profiles-fixture';
import { loadGrowthbookCases } from '../unit/rules/helpers';
import { compileRule, type Rule } from '../../server/src/rules';
import {
  compileRuleToSql,
  countMatchingProfiles,
  dialectOf,
  loadProfileFacts,
  matchingProfileIds,
} from '../../server/src/rules/sql';

const now = new Date('2024-06-15T12:00:00Z');
const env = { now, retentionDays: 90 };
const DAY = 86_400_000;

describe('rules → SQL', () => {
  const app = useStrapi('rules-sql');

  describe('GrowthBook evalCondition cases', () => {
    const cases = loadGrowthbookCases().evalCondition.map(
      ([name, condition, attributes, expected, savedGroups], index) => ({
        id: index + 1,
        name,
        condition,
        attributes,
        expected,
        savedGroups,
      })
    );

    beforeAll(async () => {
      const { knex } = app();
      await clearProfiles(knex);
      // Purely as traits: no promoted column is set, so attributes read the traits.
      await insertProfiles(
        knex,
        cases.map((c) => ({ id: c.id, traits: c.attributes }))
      );
    });

    it('stores all 248 cases', async () => {
      expect(cases.length).toBe(248);
      const [{ n }] = await app().knex('segments_profiles').count({ n: '*' });
      expect(Number(n)).toBe(248);
    });

    test.each(cases)('$name', async ({ id, condition, expected, savedGroups }) => {
      const { knex } = app();
      const ids = await matchingProfileIds(knex, condition as Rule, { ...env, savedGroups });
      expect(ids.includes(id)).toBe(expected);
      // And over every other stored case's attributes, the SQL path agrees with memory.
      const facts = await loadProfileFacts(knex, cases.map((c) => c.id), env);
      const matches = compileRule(condition as Rule);
      const expectedIds = facts.filter((f) => matches(f, env, savedGroups)).map((f) => f.id);
      expect(ids).toEqual(expectedIds);
      expect(await countMatchingProfiles(knex, condition as Rule, { ...env, savedGroups })).toBe(
        expectedIds.length
      );
    });
  });

  describe('edge cases', () => {
    const profiles: FixtureProfile[] = [
      // Empty history, no traits at all.
      { id: 1 },
      // JSON null traits and explicit nulls.
      { id: 2, traits: { age: null, plan: null } },
      // A trait shadowed by a promoted column, and one that is not (NULL column).
      { id: 3, traits: { country: 'FR', city: 'Lyon' }, columns: { country: 'DE' } },
      {
        id: 4,
        traits: { age: 30 },
        columns: { latitude: 52.52, longitude: 13.405, first_seen_at: now.getTime() - 40 * DAY },
        rollups: [
          // Exactly the first day of "the last 7 days", and the day before it.
          { event: 'open', day: '2024-06-09', count: 2, valueSum: 0 },
          { event: 'open', day: '2024-06-08', count: 5, valueSum: 0 },
          { event: 'buy', day: '2024-06-15', count: 1, valueSum: 19.5 },
        ],
        events: [
          { name: 'buy', occurredAt: now.getTime() - 2 * 3_600_000, value: 19.5, properties: { plan: 'pro' } },
          // Exactly 24 h ago: outside (now − 24 h, now].
          { name: 'buy', occurredAt: now.getTime() - 24 * 3_600_000, value: 5, properties: { plan: 'free' } },
        ],
      },
      {
        id: 5,
        traits: { age: '30', tags: ['a', 'b'] },
        columns: { latitude: -33.86, longitude: 151.2, first_seen_at: now.getTime() - 10 * DAY },
        rollups: [{ event: 'open', day: '2024-06-10', count: 0, valueSum: 0 }],
      },
    ];

    beforeAll(async () => {
      const { knex } = app();
      await clearProfiles(knex);
      await insertProfiles(knex, profiles);
    });

    const rules: Array<[string, Rule, number[]]> = [
      ['missing compares like null', { age: { $lt: 25 } }, [1, 2, 3]],
      ['$exists false covers missing and null', { plan: { $exists: false } }, [1, 2, 3, 4, 5]],
      ['promoted column wins over the trait', { country: 'DE' }, [3]],
      ['NULL column leaves the trait', { city: 'Lyon' }, [3]],
      ['string vs number equality', { age: 30 }, [4, 5]],
      ['strict $eq', { age: { $eq: 30 } }, [4]],
      ['did not: empty history matches', { $event: { name: 'open', within: { days: 7 }, count: 0 } }, [1, 2, 3, 5]],
      ['window starts at midnight of day 1 of 7', { $event: { name: 'open', within: { days: 7 }, count: 2 } }, [4]],
      ['window of 8 days', { $event: { name: 'open', within: { days: 8 }, count: { $gte: 7 } } }, [4]],
      ['a zero-count rollup is no active day', { $event: { name: 'open', activeDays: { $gte: 1 } } }, [4]],
      ['hour window excludes exactly 24 h ago', { $event: { name: 'buy', within: { hours: 24 }, count: 1 } }, [4]],
      ['where on properties', { $event: { name: 'buy', where: { plan: 'free' } } }, [4]],
      ['sum', { $event: { name: 'buy', within: { days: 1 }, sum: { $gt: 19 } } }, [4]],
      ['avg needs events', { $event: { name: 'buy', avg: { $lt: 100 } } }, [4]],
      ['first occurrence', { $event: { name: 'open', first: { $before: { days: 7 } } } }, [4]],
      ['last occurrence', { $event: { name: 'open', last: { $within: { days: 7 } } } }, [4]],
      ['first seen 30 days ago', { $date: { attribute: 'firstSeenAt', olderThan: { days: 30 } } }, [1, 2, 3, 4]],
      ['newer than', { $date: { attribute: 'firstSeenAt', newerThan: { days: 30 } } }, [5]],
      ['geo: profiles without coordinates never match', { $geo: { near: { lat: 52.5, lng: 13.4 }, radiusKm: 10 } }, [4]],
      ['geo across the antimeridian', { $geo: { near: { lat: -33.8, lng: -179.9 }, radiusKm: 4000 } }, [5]],
      ['$not of a behaviour', { $not: { $event: { name: 'buy' } } }, [1, 2, 3, 5]],
      ['$size on arrays only', { tags: { $size: 2 } }, [5]],
      ['$nor of nothing fails', { $nor: [] }, []],
    ];

    test.each(rules)('%s', async (_name, rule, expected) => {
      const { knex } = app();
      const ids = await matchingProfileIds(knex, rule, env);
      const facts = await loadProfileFacts(knex, [1, 2, 3, 4, 5], env);
      const matches = compileRule(rule);
      expect(facts.filter((f) => matches(f, env)).map((f) => f.id)).toEqual(expected);
      expect(ids).toEqual(expected);
    });

    it('pushes behaviour and simple traits down entirely', () => {
      const dialect = dialectOf(app().knex);
      for (const rule of [
        { country: { $in: ['DE', 'AT'] }, $event: { name: 'open', within: { days: 7 }, count: { $gte: 2 } } },
        { $not: { $event: { name: 'open', within: { days: 30 }, activeDays: { $gte: 3 } } } },
        { age: { $exists: true, $ne: 18 }, tags: { $type: 'array' }, n: { $size: 2 } },
        { $date: { attribute: 'firstSeenAt', olderThan: { days: 30 } } },
      ]) {
        expect(compileRuleToSql(rule, { ...env, dialect }).exact).toBe(true);
      }
      expect(compileRuleToSql({ name: { $regex: '^a' } }, { ...env, dialect }).exact).toBe(false);
    });
  });
});
