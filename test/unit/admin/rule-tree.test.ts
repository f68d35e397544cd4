import fc from 'fast-check';
import {
  conditions,
  emptyGroup,
  newCondition,
  newWhereRow,
  nodeIdForPath,
  ruleToTree,
  treeToRule,
  withoutIds,
  type ConditionKind,
  type EventNode,
  type GroupNode,
  type Json,
  type RuleNode,
} from '../../../admin/src/builder/ruleTree';
import { evaluateRule, validateRule, type ProfileFacts } from '../../../server/src/rules';

const validate = (rule: unknown) =>
  validateRule(rule, { retentionDays: 90, knownSegments: (key) => key === 'vip' });

/** A nested tree like the e2e test builds: (behaviour AND (geo OR NOT trait)). */
function nestedTree(): GroupNode {
  const root = emptyGroup('and');
  const event = newCondition('event') as EventNode;
  event.name = 'purchase';
  event.window = { type: 'days', days: 30 };
  event.measure = 'count';
  event.amount = { op: 'gte', value: 3 };
  const where = newWhereRow();
  where.property = 'plan';
  where.value = 'pro';
  event.where = [where];
  const geo = newCondition('geo');
  const inner = emptyGroup('or');
  const trait = { ...newCondition('trait'), key: 'age', op: 'lt' as const, value: 25 };
  const negated: GroupNode = { ...emptyGroup('and'), negate: true, children: [trait] };
  inner.children = [geo, negated];
  root.children = [event, inner];
  return root;
}

describe('treeToRule', () => {
  test('writes the canonical rule for a nested tree, with the $exists guard on comparisons', () => {
    expect(treeToRule(nestedTree())).toEqual({
      $and: [
        {
          $event: {
            name: 'purchase',
            where: { plan: 'pro' },
            within: { days: 30 },
            count: { $gte: 3 },
          },
        },
        {
          $or: [
            { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 } },
            { $not: { $and: [{ age: { $exists: true, $lt: 25 } }] } },
          ],
        },
      ],
    });
  });

  test('an empty root group is the rule that matches everybody', () => {
    expect(treeToRule(emptyGroup())).toEqual({});
    expect(validate({})).toEqual([]);
  });

  test('every row kind, as created by the "add condition" menu and filled in, validates', () => {
    const filled: Record<ConditionKind, (n: RuleNode) => RuleNode> = {
      trait: (n) => ({ ...n, key: 'plan', value: 'pro' }) as RuleNode,
      context: (n) => n,
      event: (n) => ({ ...n, name: 'signup' }) as RuleNode,
      geo: (n) => n,
      date: (n) => n,
      segment: (n) => ({ ...n, key: 'vip' }) as RuleNode,
      sample: (n) => n,
      raw: (n) => ({ ...n, json: { appVersion: { $vgte: '2.0.0' } } }) as RuleNode,
    };
    for (const kind of Object.keys(filled) as ConditionKind[]) {
      const root = emptyGroup();
      root.children = [filled[kind](newCondition(kind))];
      const rule = treeToRule(root);
      expect({ kind, issues: validate(rule) }).toEqual({ kind, issues: [] });
    }
  });

  test('event measures and windows', () => {
    const e = newCondition('event') as EventNode;
    e.name = 'task_done';
    e.window = { type: 'days', days: 7 };
    e.measure = 'activeDays';
    e.amount = { op: 'gte', value: 5 };
    expect(treeToRule(e)).toEqual({
      $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } },
    });
    e.measure = 'sum';
    e.property = 'total';
    e.amount = { op: 'between', value: 10, value2: 20 };
    e.window = { type: 'range', from: '2024-01-01', to: '2024-02-01' };
    expect(treeToRule(e)).toEqual({
      $event: {
        name: 'task_done',
        within: { from: '2024-01-01', to: '2024-02-01' },
        sum: { $gte: 10, $lte: 20 },
        property: 'total',
      },
    });
    e.measure = 'last';
    e.when = { op: 'before', days: 30 };
    e.window = { type: 'all' };
    expect(treeToRule(e)).toEqual({
      $event: { name: 'task_done', last: { $before: { days: 30 } } },
    });
    e.measure = 'count';
    e.amount = { op: 'eq', value: 0 };
    e.window = { type: 'hours', hours: 24 };
    expect(treeToRule(e)).toEqual({
      $event: { name: 'task_done', within: { hours: 24 }, count: { $eq: 0 } },
    });
  });
});

describe('ruleToTree', () => {
  const examples: Json[] = [
    {},
    { country: { $in: ['DE', 'AT', 'CH'] }, age: { $exists: true, $gte: 18 } },
    { $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } } },
    { $or: [{ plan: 'pro' }, { $not: { $segment: 'vip' } }] },
    { $nor: [{ banned: true }, { plan: { $ne: 'free' } }] },
    { $context: { device: 'mobile', localHour: { $gte: 9, $lte: 12 } } },
    { $date: { attribute: 'birthday', anniversaryWithin: { days: 7 } } },
    { $sample: { seed: 'rollout-1', percent: 20 } },
    { appVersion: { $vgte: '2.0.0' }, tags: { $elemMatch: { $eq: 'x' } } },
    { $event: { name: 'purchase', count: 3 } },
    { email: { $regexi: '@example\\.com$' }, score: { $gte: 1, $lte: 5 } },
  ];

  test.each(examples.map((e) => [JSON.stringify(e), e]))(
    'tree → rule → tree is stable for %s',
    (_label, rule) => {
      const tree = ruleToTree(rule);
      const again = ruleToTree(treeToRule(tree));
      expect(withoutIds(again)).toEqual(withoutIds(tree));
      expect(treeToRule(again)).toEqual(treeToRule(tree));
    }
  );

  test('rows it cannot express are kept verbatim as raw rows', () => {
    const tree = ruleToTree({ appVersion: { $vgte: '2.0.0' } });
    expect(tree.children).toEqual([
      expect.objectContaining({ kind: 'raw', json: { appVersion: { $vgte: '2.0.0' } } }),
    ]);
    expect(treeToRule(tree)).toEqual({ $and: [{ appVersion: { $vgte: '2.0.0' } }] });
  });

  test('reads rows of every kind', () => {
    const tree = ruleToTree({
      $and: [
        { age: { $exists: true, $lt: 25 } },
        {
          $event: {
            name: 'purchase',
            where: { total: { $gt: 10 } },
            within: { days: 30 },
            count: { $gte: 3 },
          },
        },
        { $geo: { near: { lat: 48.1, lng: 11.6 }, radiusKm: 10 } },
        { $context: { device: 'mobile' } },
        { $segment: 'vip' },
        { $sample: { seed: 's', percent: 5 } },
        { $date: { attribute: 'firstSeenAt', olderThan: { days: 30 } } },
      ],
    });
    expect(conditions(tree).map((c) => c.kind)).toEqual([
      'trait',
      'event',
      'geo',
      'context',
      'segment',
      'sample',
      'date',
    ]);
    expect(tree.children[0]).toMatchObject({ key: 'age', op: 'lt', value: 25, guarded: true });
    expect(tree.children[1]).toMatchObject({
      name: 'purchase',
      measure: 'count',
      amount: { op: 'gte', value: 3 },
      where: [expect.objectContaining({ property: 'total', op: 'gt', value: 10 })],
    });
  });

  // Meaning is preserved: a random rule over these attributes gives the same answer as its
  // builder round trip, on random profiles.
  const scalar = fc.oneof(
    fc.constantFrom('DE', 'FR', 'pro', 'free'),
    fc.integer({ min: 0, max: 60 })
  );
  const attribute = fc.constantFrom('age', 'plan', 'country');
  const leaf: fc.Arbitrary<Json> = fc.oneof(
    fc.tuple(attribute, scalar).map(([k, v]) => ({ [k]: v })),
    fc
      .tuple(attribute, fc.constantFrom('$gt', '$lte', '$ne'), scalar)
      .map(([k, op, v]) => ({ [k]: { [op]: v } })),
    fc.tuple(attribute, fc.array(scalar, { maxLength: 3 })).map(([k, v]) => ({ [k]: { $in: v } })),
    fc.tuple(attribute, fc.boolean()).map(([k, v]) => ({ [k]: { $exists: v } })),
    fc.integer({ min: 0, max: 100 }).map((percent) => ({ $sample: { seed: 'x', percent } }))
  );
  const rule = fc.letrec<{ node: Json }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node'), { maxLength: 3 }).map((items) => ({ $and: items })),
      fc.array(tie('node'), { maxLength: 3 }).map((items) => ({ $or: items })),
      fc.array(tie('node'), { maxLength: 3 }).map((items) => ({ $nor: items })),
      tie('node').map((inner) => ({ $not: inner })),
      fc.tuple(leaf, leaf).map(([a, b]) => ({ ...(a as object), ...(b as object) }) as Json)
    ),
  })).node;
  const profile = fc.record({
    id: fc.integer({ min: 1, max: 1000 }),
    attributes: fc.record(
      {
        age: fc.integer({ min: 0, max: 60 }),
        plan: fc.constantFrom('pro', 'free'),
        country: fc.constantFrom('DE', 'FR'),
      },
      { requiredKeys: [] }
    ),
  });

  test('the round trip never changes which profiles a rule matches', () => {
    fc.assert(
      fc.property(rule, fc.array(profile, { minLength: 1, maxLength: 5 }), (r, profiles) => {
        const back = treeToRule(ruleToTree(r));
        for (const p of profiles) {
          const facts: ProfileFacts = {
            id: p.id,
            attributes: p.attributes,
            rollups: [],
            events: [],
          };
          const env = { now: new Date('2025-01-01T00:00:00Z'), retentionDays: 90 };
          expect(evaluateRule(back as never, facts, env)).toBe(
            evaluateRule(r as never, facts, env)
          );
        }
      }),
      { numRuns: 300 }
    );
  });
});

describe('nodeIdForPath', () => {
  test('maps a server error path to the offending row', () => {
    const tree = nestedTree();
    const [event, inner] = tree.children as [RuleNode, GroupNode];
    const [geo, negated] = inner.children as [RuleNode, GroupNode];
    expect(nodeIdForPath(tree, 'rule.$and[0].$event.within.days')).toBe(event.id);
    expect(nodeIdForPath(tree, 'rule.$and[1].$or[0].$geo.radiusKm')).toBe(geo.id);
    expect(nodeIdForPath(tree, 'rule.$and[1].$or[1].$not.$and[0].age.$lt')).toBe(
      negated.children[0].id
    );
    expect(nodeIdForPath(tree, 'rule.$and[1].$or')).toBe(inner.id);
    expect(nodeIdForPath(tree, 'rule')).toBe(tree.id);
  });

  test('the paths the validator reports land on the row that caused them', () => {
    const tree = nestedTree();
    const inner = tree.children[1] as GroupNode;
    const geo = inner.children[0];
    if (geo.kind !== 'geo') throw new Error('fixture');
    geo.radiusKm = -5;
    const event = tree.children[0] as EventNode;
    event.window = { type: 'days', days: 1000 }; // beyond 90 days of raw events (it has `where`)
    const issues = validate(treeToRule(tree));
    expect(issues.length).toBeGreaterThanOrEqual(2);
    const rows = new Set(
      issues.map((i) => nodeIdForPath(tree, i.path ? `rule.${i.path}` : 'rule'))
    );
    expect(rows).toEqual(new Set([geo.id, event.id]));
  });
});
