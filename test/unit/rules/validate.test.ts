import {
  type ValidateOptions,
  detectCycle,
  segmentReferences,
  validateRule,
} from '../../../server/src/rules';
import { loadGrowthbookCases } from './helpers';

const options: ValidateOptions = {
  retentionDays: 30,
  knownSegments: (key) => ['vip', 'churned'].includes(key),
  now: new Date('2024-06-15T12:00:00Z'),
};

const paths = (rule: unknown, overrides: Partial<ValidateOptions> = {}) =>
  validateRule(rule, { ...options, ...overrides }).map((issue) => issue.path);

const only = (rule: unknown) => {
  const issues = validateRule(rule, options);
  expect(issues).toHaveLength(1);
  return issues[0];
};

describe('validateRule accepts valid rules', () => {
  it.each([
    ['an empty rule', {}],
    ['attribute comparisons', { age: { $gte: 18, $lt: 65, $exists: true }, country: 'DE' }],
    ['logic', { $or: [{ plan: 'pro' }, { $and: [{ trial: true }, { $not: { churned: true } }] }] }],
    [
      'every GrowthBook operator',
      {
        a: { $eq: 1, $ne: 'x', $in: [1, 'a', null], $nin: [true] },
        b: { $ini: ['a'], $nini: [2], $all: ['x', { $regex: '^y' }], $alli: ['z'] },
        c: { $regex: '^(Mobile|Tablet)', $regexi: 'chrome', $type: 'string', $size: { $gt: 2 } },
        d: { $elemMatch: { name: { $regex: '^ping' } }, $not: { $size: 0 } },
        e: { $elemMatch: { $gt: 10 } },
        v: { $veq: '1.2.3', $vne: '1.0.0', $vgt: '0.9', $vgte: '1.0.0', $vlt: '2', $vlte: '2.0.0' },
        id: { $inGroup: 'vip', $notInGroup: 'churned' },
      },
    ],
    ['an attribute literally named $groups', { $groups: { $elemMatch: { $eq: 'a' } } }],
    ['a saved-group reference', { $savedGroup: { id: 'vip', attributeKey: 'id' } }],
    [
      'every extension',
      {
        $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } },
        $date: { attribute: 'birthday', anniversaryWithin: { days: 7 } },
        $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 },
        $context: {
          device: 'mobile',
          'utm.source': 'newsletter',
          localHour: { $gte: 9 },
          weekday: { $lte: 5 },
        },
        $segment: 'vip',
        $sample: { seed: 'rollout-1', percent: 20 },
      },
    ],
    [
      'raw-event windows inside retention',
      {
        $and: [
          {
            $event: {
              name: 'purchase',
              where: { plan: 'pro' },
              within: { days: 30 },
              sum: { $gte: 100 },
              property: 'amount',
            },
          },
          { $event: { name: 'login', within: { hours: 720 }, last: { $within: { hours: 2 } } } },
          {
            $event: {
              name: 'view',
              within: { from: '2024-06-01T10:00:00Z', to: '2024-06-02T10:00:00Z' },
            },
          },
        ],
      },
    ],
    [
      'long-lived rollup windows',
      { $event: { name: 'purchase', within: { days: 365 }, count: { $gte: 3 } } },
    ],
    ['"did not"', { $event: { name: 'purchase', count: 0 } }],
  ])('%s', (_name, rule) => {
    expect(validateRule(rule, options)).toEqual([]);
  });

  it('accepts every condition of the GrowthBook case file except its deliberate mistakes', () => {
    const rejected = loadGrowthbookCases()
      .evalCondition.filter(
        ([, condition]) => validateRule(condition, { retentionDays: 30 }).length > 0
      )
      .map(([name]) => name);
    expect(rejected.sort()).toEqual(
      [
        '$in - not array',
        '$nin - not array',
        '$ini - not array',
        '$nini - not array',
        'unknown operator - pass',
        '$regex invalid - pass',
        '$regex invalid - fail',
      ].sort()
    );
  });
});

describe('validateRule reports each kind of problem at its path', () => {
  it('a rule that is not an object', () => {
    expect(only('age > 5')).toEqual({
      path: '',
      message: 'must be a condition object, got string "age > 5"',
    });
  });

  it('an unknown operator under an attribute', () => {
    expect(only({ $and: [{}, {}, { name: { $regx: 'x' } }] })).toEqual({
      path: '$and[2].name.$regx',
      message: 'unknown operator $regx',
    });
  });

  it('a misspelled reserved key, and an attribute operator used as a condition', () => {
    expect(only({ $evnt: { name: 'x' } }).message).toMatch(/did you mean \$event/);
    expect(only({ $or: [{ $gt: 5 }] }).path).toBe('$or[0].$gt');
  });

  it.each([
    [{ age: { $gt: [1] } }, 'age.$gt'],
    [{ $and: [{}, {}, { age: { $gt: null } }] }, '$and[2].age.$gt'],
    [{ tags: { $in: 'a' } }, 'tags.$in'],
    [{ tags: { $in: ['a', { b: 1 }] } }, 'tags.$in[1]'],
    [{ tags: { $ini: [true] } }, 'tags.$ini[0]'],
    [{ tags: { $all: 'a' } }, 'tags.$all'],
    [{ tags: { $size: '3' } }, 'tags.$size'],
    [{ tags: { $size: -1 } }, 'tags.$size'],
    [{ a: { $eq: [1] } }, 'a.$eq'],
    [{ a: { $exists: 1 } }, 'a.$exists'],
    [{ a: { $type: 'date' } }, 'a.$type'],
    [{ a: { $regex: 5 } }, 'a.$regex'],
    [{ a: { $vgt: 1 } }, 'a.$vgt'],
    [{ a: { $elemMatch: [] } }, 'a.$elemMatch'],
    [{ a: { $inGroup: 7 } }, 'a.$inGroup'],
    [{ a: { $not: { $gt: {} } } }, 'a.$not.$gt'],
    [{ a: { $all: [{ $lt: [] }] } }, 'a.$all[0].$lt'],
    [{ a: { $elemMatch: { b: { $in: 1 } } } }, 'a.$elemMatch.b.$in'],
    [{ $and: { a: 1 } }, '$and'],
    [{ $not: [{ a: 1 }] }, '$not'],
    [{ a: { $gt: 1, b: 2 } }, 'a'],
  ])('wrong operand type in %j at %s', (rule, path) => {
    expect(paths(rule)).toEqual([path]);
  });

  it('an invalid regular expression', () => {
    expect(only({ ua: { $regexi: '(mobile' } })).toMatchObject({
      path: 'ua.$regexi',
      message: expect.stringMatching(/not a valid regular expression/),
    });
  });

  it('a regular expression at risk of catastrophic backtracking', () => {
    expect(only({ $or: [{ email: { $regex: '^(\\w+\\s?)*$' } }] })).toMatchObject({
      path: '$or[0].email.$regex',
      message: expect.stringMatching(/catastrophic backtracking: nested quantifiers/),
    });
    expect(only({ a: { $regex: 'x'.repeat(300) } }).message).toMatch(/longer than 256/);
  });

  it('a pattern GrowthBook can never match', () => {
    expect(only({ a: { $regex: 'constructor' } }).message).toMatch(/never matches/);
  });

  it('more than 10 levels', () => {
    // 8 × $not, the attribute's object and its operators' object: exactly 10 levels.
    let rule: Record<string, unknown> = { age: { $gt: 1 } };
    for (let i = 0; i < 8; i++) rule = { $not: rule };
    expect(validateRule(rule, options)).toEqual([]);
    expect(validateRule({ $and: [{ $not: rule }] }, options)).toEqual([
      // The object holding `age` is the 11th level.
      {
        path: '$and[0].$not.$not.$not.$not.$not.$not.$not.$not.$not',
        message: 'nests deeper than 10 levels',
      },
    ]);
    expect(paths(rule, { maxDepth: 5 })).toEqual(['$not.$not.$not.$not.$not']);
  });

  it('more than 200 nodes', () => {
    const rule = { $or: Array.from({ length: 201 }, (_, i) => ({ [`a${i}`]: i })) };
    expect(validateRule(rule, options)).toEqual([
      { path: '', message: 'has 202 nodes, more than the 200 allowed' },
    ]);
    // Members of a list operand are not nodes.
    expect(
      validateRule({ country: { $in: Array.from({ length: 500 }, (_, i) => `c${i}`) } }, options)
    ).toEqual([]);
  });

  it('absurdly deep input is reported without walking it', () => {
    let rule: unknown = {};
    for (let i = 0; i < 10_000; i++) rule = { $not: rule };
    expect(paths(rule)).toEqual(['', '$not.$not.$not.$not.$not.$not.$not.$not.$not.$not']);
  });

  it('windows beyond raw-event retention', () => {
    expect(
      only({ $event: { name: 'p', where: { plan: 'pro' }, within: { days: 31 } } })
    ).toMatchObject({
      path: '$event.within.days',
      message: expect.stringMatching(/beyond the raw events, kept 30 days/),
    });
    expect(paths({ $event: { name: 'p', within: { hours: 721 } } })).toEqual([
      '$event.within.hours',
    ]);
    expect(paths({ $event: { name: 'p', where: { a: 1 } } })).toEqual(['$event.within']);
    expect(paths({ $event: { name: 'p', within: { to: '2024-06-01T10:00:00Z' } } })).toEqual([
      '$event.within.from',
    ]);
    expect(paths({ $event: { name: 'p', within: { from: '2024-05-01T10:00:00Z' } } })).toEqual([
      '$event.within.from',
    ]);
    expect(
      paths({ $event: { name: 'p', sum: 5, property: 'amount', within: { days: 60 } } })
    ).toEqual(['$event.within.days']);
    // Rollups are long-lived: the same windows without raw-only features are fine.
    expect(paths({ $event: { name: 'p', within: { days: 3650 } } })).toEqual([]);
  });

  it('unknown segment references', () => {
    expect(
      paths({ $segment: 'gold', id: { $inGroup: 'vip' }, $or: [{ id: { $notInGroup: 'silver' } }] })
    ).toEqual(['$segment', '$or[0].id.$notInGroup']);
    expect(paths({ $savedGroup: { id: 'bronze' } })).toEqual(['$savedGroup.id']);
    expect(paths({ $segment: 'gold' }, { knownSegments: undefined })).toEqual([]);
  });

  it('bad extension shapes', () => {
    expect(paths({ $event: { within: { weeks: 1 }, count: 'x', extra: true } })).toEqual([
      '$event.name',
      '$event.within.weeks',
      '$event.within',
      '$event.extra',
      '$event.count',
    ]);
    expect(paths({ $event: { name: 'p', count: 1, activeDays: 2 } })).toEqual(['$event']);
    expect(paths({ $event: { name: 'p', count: { $regex: '1' } } })).toEqual([
      '$event.count.$regex',
    ]);
    expect(
      paths({ $event: { name: 'p', within: { from: '2024-06-10', to: '2024-06-01' } } })
    ).toEqual(['$event.within.to']);
    expect(paths({ $event: { name: 'p', within: { from: 'last tuesday' } } })).toEqual([
      '$event.within.from',
    ]);
    expect(paths({ $event: { name: 'p', last: { $within: { days: 1.5 } } } })).toEqual([
      '$event.last.$within.days',
    ]);
    expect(
      paths({ $event: { name: 'p', where: { plan: { $in: 'pro' } }, within: { days: 1 } } })
    ).toEqual(['$event.where.plan.$in']);
    expect(paths({ $event: { name: 'p', property: 'amount' } })).toEqual(['$event.property']);
    expect(paths({ $date: { attribute: '', olderThan: { days: 1, hours: 2 } } })).toEqual([
      '$date.attribute',
      '$date.olderThan',
    ]);
    expect(paths({ $geo: { near: { lat: 91, lng: -181 }, radiusKm: 0 } })).toEqual([
      '$geo.near.lat',
      '$geo.near.lng',
      '$geo.radiusKm',
    ]);
    expect(paths({ $sample: { seed: 'x', percent: 101 } })).toEqual(['$sample.percent']);
    expect(paths({ $segment: 42 })).toEqual(['$segment']);
    expect(paths({ $context: { devise: 'mobile' } })).toEqual(['$context.devise']);
    expect(paths({ $context: { $segment: 'vip' } })).toEqual(['$context.$segment']);
  });

  it('lists every problem of a rule at once', () => {
    const rule = {
      $and: [{ age: { $gt: [] } }, { name: { $regx: 'a' } }],
      $event: { name: 'p', where: { a: 1 }, within: { days: 99 } },
      $segment: 'nope',
    };
    expect(paths(rule)).toEqual([
      '$and[0].age.$gt',
      '$and[1].name.$regx',
      '$event.within.days',
      '$segment',
    ]);
  });
});

describe('segment references', () => {
  it('collects $segment, $inGroup, $notInGroup and $savedGroup ids in order, once each', () => {
    const rule = {
      $segment: 'a',
      $or: [{ id: { $inGroup: 'b' } }, { $not: { id: { $notInGroup: 'c' } } }, { $segment: 'a' }],
      $savedGroup: { id: 'd' },
    };
    expect(segmentReferences(rule)).toEqual(['a', 'b', 'c', 'd']);
    expect(segmentReferences({ age: 5 })).toEqual([]);
  });

  it('detects cycles and returns the path that closes them', () => {
    expect(
      detectCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ])
      )
    ).toBeNull();
    expect(
      detectCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ])
      )
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      detectCycle(
        new Map([
          ['x', ['y']],
          ['y', ['y']],
        ])
      )
    ).toEqual(['y', 'y']);
    expect(
      detectCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['d']],
          ['c', ['d']],
          ['d', ['missing']],
        ])
      )
    ).toBeNull();
    expect(
      detectCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['d']],
          ['d', ['b']],
        ])
      )
    ).toEqual(['b', 'c', 'd', 'b']);
  });
});
