import { evalCondition } from '@growthbook/growthbook';
import { type Rule, explainRule, guardComparisons } from '../../../server/src/rules';

describe('explainRule', () => {
  it.each<[string, Rule, string]>([
    [
      'the example from the issue',
      {
        $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } },
        country: 'DE',
      },
      'did `task_done` on at least 5 of the last 7 days and country is DE',
    ],
    [
      'a guarded comparison',
      { age: { $exists: true, $lt: 25 } },
      'age is set and age is less than 25',
    ],
    [
      'logic with precedence',
      { $or: [{ country: 'DE' }, { country: 'AT' }], plan: 'pro' },
      '(country is DE or country is AT) and plan is pro',
    ],
    [
      'did not',
      { $event: { name: 'purchase', within: { days: 30 }, count: { $eq: 0 } } },
      'did not do `purchase` in the last 30 days',
    ],
    [
      'a count with a property condition',
      {
        $event: {
          name: 'purchase',
          within: { days: 30 },
          where: { plan: 'pro' },
          count: { $gte: 3 },
        },
      },
      'did `purchase` (where plan is pro) at least 3 times in the last 30 days',
    ],
    [
      'a sum over hours',
      {
        $event: { name: 'purchase', within: { hours: 24 }, sum: { $gte: 100 }, property: 'amount' },
      },
      'did `purchase` with a total amount of at least 100 in the last 24 hours',
    ],
    [
      'last occurrence',
      { $event: { name: 'login', last: { $before: { days: 30 } } } },
      'last did `login` before the last 30 days',
    ],
    [
      'relative dates',
      { $date: { attribute: 'firstSeenAt', olderThan: { days: 30 } } },
      'firstSeenAt is more than 30 days ago',
    ],
    [
      'anniversaries',
      { $date: { attribute: 'birthday', anniversaryWithin: { days: 7 } } },
      'the anniversary of birthday is within the next 7 days',
    ],
    [
      'geo',
      { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 } },
      'is within 50 km of (52.52, 13.405)',
    ],
    [
      'request context',
      { $context: { device: 'mobile', 'utm.source': 'newsletter' } },
      'context.device is mobile and context.utm.source is newsletter',
    ],
    [
      'segments and samples',
      { $segment: 'vip', $sample: { seed: 'holdout', percent: 10 } },
      'is in segment `vip` and is in the 10% sample `holdout`',
    ],
    [
      'negation and arrays',
      { $not: { tags: { $elemMatch: { $eq: 'spam' } } }, $nor: [{ banned: true }] },
      'not (tags has an item that is spam) and none of (banned is true)',
    ],
    ['an empty rule', {}, 'all profiles'],
  ])('%s', (_name, rule, text) => {
    expect(explainRule(rule)).toBe(text);
  });

  describe('says when a rule also matches profiles without the attribute', () => {
    it('for a bare comparison', () => {
      expect(explainRule({ age: { $lt: 25 } })).toBe(
        'age is less than 25 (also matches profiles with no age)'
      );
    });

    it('not when the same object or AND requires the attribute', () => {
      expect(explainRule({ age: { $lt: 25, $exists: true } })).not.toContain('also matches');
      expect(
        explainRule({ $and: [{ age: { $exists: true } }, { age: { $lt: 25 } }] })
      ).not.toContain('also matches');
      // age > 0 already fails without an age (null > 0 is false), so it guards its siblings.
      expect(
        explainRule({ age: { $gt: 0 }, $or: [{ age: { $lt: 25 } }, { vip: true }] })
      ).not.toContain('also matches');
      expect(explainRule({ age: { $gte: 0 } })).toContain('also matches'); // null >= 0 is true
    });

    it('but when the guard is only in one $or branch', () => {
      const text = explainRule({
        $or: [{ age: { $exists: true } }, { vip: true }],
        $and: [{ age: { $lt: 25 } }],
      });
      expect(text).toContain('(also matches profiles with no age)');
    });

    it('for GrowthBook coercions too (string "null", number 0, $ne)', () => {
      expect(explainRule({ score: 0 })).toBe('score is 0 (also matches profiles with no score)');
      expect(explainRule({ plan: { $ne: 'free' } })).toContain(
        '(also matches profiles with no plan)'
      );
      expect(explainRule({ score: { $gt: 0 } })).toBe('score is greater than 0');
    });

    it('not for conditions about absence itself', () => {
      expect(explainRule({ email: null })).toBe('email is not set');
      expect(explainRule({ email: { $exists: false } })).toBe('email is not set');
    });

    it('inside $context and $event.where with the right noun', () => {
      expect(explainRule({ $context: { localHour: { $lt: 9 } } })).toBe(
        'context.localHour is less than 9 (also matches requests with no context.localHour)'
      );
      expect(
        explainRule({
          $event: { name: 'purchase', within: { days: 7 }, where: { amount: { $lt: 5 } } },
        })
      ).toBe(
        'did `purchase` (where amount is less than 5 (also matches events with no amount)) in the last 7 days'
      );
    });
  });
});

describe('guardComparisons', () => {
  it('adds $exists: true to comparisons that would match a missing attribute', () => {
    const rule = {
      age: { $lt: 25 },
      score: { $gte: 5 }, // null >= 5 is false: already excludes missing
      $or: [{ version: { $vlt: '2.0.0' } }, { plan: { $ne: 'free' } }],
      $context: { localHour: { $lt: 9 } },
      $event: { name: 'purchase', within: { days: 7 }, where: { amount: { $lte: 10 } } },
    };
    expect(guardComparisons(rule)).toEqual({
      age: { $exists: true, $lt: 25 },
      score: { $gte: 5 },
      $or: [{ version: { $exists: true, $vlt: '2.0.0' } }, { plan: { $ne: 'free' } }],
      $context: { localHour: { $exists: true, $lt: 9 } },
      $event: {
        name: 'purchase',
        within: { days: 7 },
        where: { amount: { $exists: true, $lte: 10 } },
      },
    });
    expect(rule.age).toEqual({ $lt: 25 }); // the input is untouched
  });

  it('is idempotent, keeps existing guards and makes missing attributes fail', () => {
    const guarded = guardComparisons({ age: { $lt: 25 }, n: { $gt: 1, $exists: false } });
    expect(guardComparisons(guarded)).toEqual(guarded);
    expect(guarded.n).toEqual({ $gt: 1, $exists: false });
    expect(evalCondition({}, { age: { $lt: 25 } })).toBe(true);
    expect(evalCondition({}, guarded.age ? { age: guarded.age } : {})).toBe(false);
    expect(evalCondition({ age: 20 }, { age: guarded.age } as never)).toBe(true);
  });
});
