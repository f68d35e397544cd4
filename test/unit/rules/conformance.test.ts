import { evalCondition } from '@growthbook/growthbook';
import { compileRule, evaluateCondition, growthbookHash } from '../../../server/src/rules';
import { envAt, loadGrowthbookCases, profile } from './helpers';

const cases = loadGrowthbookCases();
const env = envAt('2024-06-15T12:00:00Z');

const conditionCases = cases.evalCondition.map(
  ([name, condition, attributes, expected, savedGroups]) => ({
    name,
    condition,
    attributes,
    expected,
    savedGroups,
  })
);

describe('GrowthBook evalCondition cases', () => {
  beforeAll(() => {
    // GrowthBook logs the case file's deliberately unknown operator.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('covers the whole case file', () => {
    expect(conditionCases.length).toBe(248);
  });

  test.each(conditionCases)('$name', ({ condition, attributes, expected, savedGroups }) => {
    const compiled = compileRule(condition);
    expect(compiled(profile({ attributes }), env, savedGroups)).toBe(expected);
    expect(evaluateCondition(attributes, condition, savedGroups)).toBe(expected);
    // The reference agrees with the file too, so a failure above is ours.
    expect(evalCondition(attributes, condition as never, savedGroups as never)).toBe(expected);
  });
});

describe('GrowthBook hash cases', () => {
  const hashCases = cases.hash.map(([seed, value, version, expected]) => ({
    seed,
    value,
    version,
    expected,
  }));

  test.each(hashCases)('hash($seed, $value, v$version)', ({ seed, value, version, expected }) => {
    const actual = growthbookHash(seed, value, version);
    if (expected === null) expect(actual).toBeNull();
    else expect(actual).toBe(expected);
  });
});
