/**
 * Differential test: random GrowthBook conditions (every operator, well- and ill-typed operands)
 * × random attributes → compileRule must answer exactly what GrowthBook's evalCondition answers
 * (and `false` where evalCondition throws).
 */
import fc from 'fast-check';
import { evalCondition } from '@growthbook/growthbook';
import { compileRule, evaluateCondition } from '../../../server/src/rules';
import { envAt, profile } from './helpers';

const env = envAt('2024-06-15T12:00:00Z');

const SAVED_GROUPS: Record<string, unknown> = {
  g1: [1, 2, 'a', 'b'],
  g2: { type: 'list', attributeKey: 'a', values: ['a', 5] },
  g3: { type: 'condition', condition: { n: { $gt: 3 } } },
  g4: { type: 'list', values: 'not a list' },
  g5: null,
  g6: { type: 'from the future' },
  g7: { type: 'condition', condition: { $savedGroup: { id: 'g7' } } },
  big: Array.from({ length: 40 }, (_, i) => i),
};

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, -0, 1e21),
  fc.constantFrom('', '0', '5', '10', 'a', 'A', 'b', 'abc', 'null', 'true', 'x y'),
  fc.constantFrom('1.2.3', 'v1.2.3', '1.0.0-beta', '1.0.0-beta.2', '2.0', '1-2-3', '10.0.0')
);

const ATTRIBUTE_KEYS = ['a', 'b', 'n', 'tags', 'version', 'obj', 'id', '$groups'];
const PATHS = [...ATTRIBUTE_KEYS, 'obj.x', 'tags.0', 'tags.length', 'constructor', 'a.b.c'];
const GROUP_IDS = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'big', 'missing', 'constructor'];
// No pattern ends in "/i" and none is a non-string: GrowthBook's process-wide regex cache makes
// those depend on earlier evaluations (see docs/rules.md, "Deviations").
const PATTERNS = [
  '^a',
  'b$',
  'A',
  '(a|b)',
  '[',
  '(?',
  '^$',
  '1\\.2',
  'null',
  'constructor',
  'toString',
  '.',
  'a/b',
  'x?',
  '^\\d+$',
];
const OPERATORS_WITH_SCALARS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$unknownOp'];

const { jsonValue } = fc.letrec((tie) => ({
  jsonValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('jsonValue'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'x', 'name'), tie('jsonValue'), { maxKeys: 3 })
  ),
}));

const attributes = fc.dictionary(fc.constantFrom(...ATTRIBUTE_KEYS), jsonValue, { maxKeys: 6 });

const fromEntries = (entries: Array<[string, unknown]>) => Object.fromEntries(entries);

const { condition, valueCondition, operatorObject } = fc.letrec((tie) => {
  const operatorEntry = fc.oneof(
    fc.tuple(fc.constantFrom(...OPERATORS_WITH_SCALARS), scalar),
    fc.tuple(
      fc.constantFrom('$in', '$nin', '$ini', '$nini'),
      fc.oneof(fc.array(scalar, { maxLength: 4 }), scalar)
    ),
    fc.tuple(
      fc.constantFrom('$all', '$alli'),
      fc.oneof(fc.array(tie('valueCondition'), { maxLength: 3 }), scalar)
    ),
    fc.tuple(fc.constantFrom('$regex', '$regexi'), fc.constantFrom(...PATTERNS)),
    fc.tuple(fc.constant('$exists'), fc.oneof(fc.boolean(), scalar)),
    fc.tuple(
      fc.constant('$type'),
      fc.constantFrom('string', 'number', 'boolean', 'array', 'object', 'null', 'undefined', 5)
    ),
    fc.tuple(fc.constant('$size'), fc.oneof(fc.integer({ min: 0, max: 4 }), tie('valueCondition'))),
    fc.tuple(
      fc.constant('$elemMatch'),
      fc.oneof(tie('operatorObject'), tie('condition'), fc.constant(null), scalar)
    ),
    fc.tuple(fc.constant('$not'), tie('valueCondition')),
    fc.tuple(
      fc.constantFrom('$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte'),
      fc.oneof(scalar, fc.constantFrom('1.2.3', '1.0.0', 'v2', '1.0.0-alpha'))
    ),
    fc.tuple(
      fc.constantFrom('$inGroup', '$notInGroup'),
      fc.oneof(fc.constantFrom(...GROUP_IDS), scalar)
    )
  );
  const conditionEntry = fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(...PATHS), tie('valueCondition')),
    fc.tuple(
      fc.constantFrom('$and', '$or', '$nor'),
      fc.oneof(fc.array(tie('condition'), { maxLength: 3 }), scalar)
    ),
    fc.tuple(fc.constant('$not'), fc.oneof(tie('condition'), scalar)),
    fc.tuple(
      fc.constant('$savedGroup'),
      fc.oneof(
        fc.record(
          { id: fc.constantFrom(...GROUP_IDS), attributeKey: fc.constantFrom('a', 'n', 'id', 5) },
          { requiredKeys: ['id'] }
        ),
        scalar
      )
    )
  );
  return {
    operatorObject: fc.array(operatorEntry, { minLength: 1, maxLength: 3 }).map(fromEntries),
    valueCondition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      tie('operatorObject'),
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('x', '$gt', 'name'), scalar, { maxKeys: 2 })
    ),
    condition: fc.array(conditionEntry, { maxLength: 3 }).map(fromEntries),
  };
});

function growthbook(
  subject: Record<string, unknown>,
  rule: Record<string, unknown>,
  savedGroups: Record<string, unknown> | undefined
): boolean {
  try {
    return evalCondition(subject, rule as never, savedGroups as never);
  } catch {
    return false; // where GrowthBook throws, the compiled rule fails closed
  }
}

function agrees(
  rule: Record<string, unknown>,
  subject: Record<string, unknown>,
  savedGroups: Record<string, unknown> | undefined
): void {
  const expected = growthbook(subject, rule, savedGroups);
  expect(compileRule(rule)(profile({ attributes: subject }), env, savedGroups)).toBe(expected);
  expect(evaluateCondition(subject, rule, savedGroups)).toBe(expected);
}

describe('compileRule ≡ GrowthBook evalCondition', () => {
  beforeAll(() => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // "Unknown operator"
  });
  afterAll(() => jest.restoreAllMocks());

  it('agrees on random conditions and attributes', () => {
    fc.assert(
      fc.property(
        condition,
        attributes,
        fc.option(fc.constant(SAVED_GROUPS), { nil: undefined }),
        (rule, subject, savedGroups) => agrees(rule, subject, savedGroups)
      ),
      { numRuns: 5000 }
    );
  });

  it('agrees on one attribute under many operators', () => {
    fc.assert(
      fc.property(operatorObject, jsonValue, (operators, value) =>
        agrees({ a: operators }, { a: value }, SAVED_GROUPS)
      ),
      { numRuns: 3000 }
    );
  });

  it('agrees on array attributes (with null items) under array operators', () => {
    const arrayOperator = fc.oneof(
      fc.tuple(fc.constant('$elemMatch'), fc.oneof(operatorObject, condition)),
      fc.tuple(
        fc.constant('$elemMatch'),
        fc.constantFrom({ $exists: false }, { $type: 'null' }, { $eq: null }, { $lt: 1 })
      ),
      fc.tuple(fc.constantFrom('$all', '$alli'), fc.array(valueCondition, { maxLength: 3 })),
      fc.tuple(fc.constant('$size'), fc.oneof(fc.integer({ min: 0, max: 4 }), valueCondition)),
      fc.tuple(fc.constantFrom('$in', '$nin', '$ini', '$nini'), fc.array(scalar, { maxLength: 4 }))
    );
    fc.assert(
      fc.property(
        fc.array(arrayOperator, { minLength: 1, maxLength: 2 }).map(fromEntries),
        fc.array(fc.oneof(scalar, jsonValue), { maxLength: 5 }),
        (operators, tags) => agrees({ tags: operators }, { tags }, SAVED_GROUPS)
      ),
      { numRuns: 2000 }
    );
  });

  it('agrees on saved-group references', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.constantFrom(...GROUP_IDS),
            attributeKey: fc.constantFrom('a', 'n', 'id', 5),
          },
          { requiredKeys: ['id'] }
        ),
        fc.record({ a: scalar, n: scalar, id: scalar }, { requiredKeys: [] }),
        (reference, subject) => agrees({ $savedGroup: reference }, subject, SAVED_GROUPS)
      ),
      { numRuns: 1000 }
    );
  });

  // Shapes found while building the differential test, kept as named regressions.
  const regressions: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['$nor of an empty list fails', { $nor: [] }, {}],
    ['$or given a string iterates its characters', { $or: 'ab' }, { 0: 'a' }],
    ['$and given an object without length passes', { $and: { x: 1 } }, {}],
    ['$not of null throws in GrowthBook → false', { $not: null }, {}],
    ['$elemMatch null on an array throws → false', { tags: { $elemMatch: null } }, { tags: [1] }],
    ['$elemMatch null on a non-array is just false', { tags: { $elemMatch: null } }, { tags: 1 }],
    ['string equality stringifies null', { a: 'null' }, {}],
    ['number equality multiplies null to 0', { a: 0 }, {}],
    [
      '$regex named like an Object.prototype member never matches',
      { a: { $regex: 'constructor' } },
      { a: 'constructor' },
    ],
    ['$regex tests the string "null" for a missing attribute', { a: { $regex: 'nu' } }, {}],
    ['$vlt on a missing attribute pads "0"', { version: { $vlt: '1.0.0' } }, {}],
    ['tags.length reads the array length', { 'tags.length': 2 }, { tags: [1, 2] }],
    ['constructor resolves through the prototype', { constructor: { $type: 'unknown' } }, {}],
    ['$ini never matches NaN', { a: { $ini: [Number.NaN] } }, { a: Number.NaN }],
    ['$in matches NaN like Array#includes', { a: { $in: [Number.NaN] } }, { a: Number.NaN }],
    ['$savedGroup condition cycle stops', { $savedGroup: { id: 'g7' } }, {}],
    ['$inGroup through Object.prototype', { a: { $notInGroup: 'constructor' } }, { a: 1 }],
  ];

  test.each(regressions.map(([name, rule, subject]) => ({ name, rule, subject })))(
    '$name',
    ({ rule, subject }) => {
      agrees(rule, subject, SAVED_GROUPS);
      agrees(rule, subject, undefined);
    }
  );
});
