import { compileRule, growthbookHash, inSample } from '../../../server/src/rules';
import { envAt, profile } from './helpers';

const env = envAt('2024-06-15T12:00:00Z');

describe('$sample', () => {
  const sampled = (seed: string, percent: number, id: number) =>
    compileRule({ $sample: { seed, percent } })(profile({ id }), env);

  it('is deterministic for a seed and profile id', () => {
    for (let id = 1; id <= 200; id++)
      expect(sampled('rollout-1', 20, id)).toBe(sampled('rollout-1', 20, id));
  });

  it('selects about `percent` % of 10 000 profiles', () => {
    for (const percent of [1, 20, 50, 90]) {
      let selected = 0;
      for (let id = 1; id <= 10_000; id++) if (sampled('rollout-1', percent, id)) selected++;
      // ±4 standard deviations of a binomial(10 000, p)
      const tolerance = 4 * Math.sqrt(10_000 * (percent / 100) * (1 - percent / 100));
      expect(Math.abs(selected - percent * 100)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('nests: a larger percentage keeps everyone a smaller one selected (gradual roll-outs)', () => {
    for (let id = 1; id <= 2000; id++) {
      if (sampled('ramp', 10, id)) expect(sampled('ramp', 30, id)).toBe(true);
    }
  });

  it('different seeds pick different profiles', () => {
    let same = 0;
    for (let id = 1; id <= 1000; id++) if (sampled('a', 50, id) === sampled('b', 50, id)) same++;
    expect(same).toBeGreaterThan(400);
    expect(same).toBeLessThan(600);
  });

  it('0 % selects nobody and 100 % everybody; the bucket bound is exclusive', () => {
    for (let id = 1; id <= 500; id++) {
      expect(sampled('s', 0, id)).toBe(false);
      expect(sampled('s', 100, id)).toBe(true);
    }
    const bucket = growthbookHash('s', '42', 2) as number;
    expect(inSample('s', 42, bucket * 100)).toBe(false);
    expect(inSample('s', 42, bucket * 100 + 0.01)).toBe(true);
  });
});

describe('$segment and $inGroup', () => {
  it('$segment asks env.isMember', () => {
    const rule = { $segment: 'vip' };
    const members = new Set(['vip']);
    const isMember = (key: string) => members.has(key);
    expect(compileRule(rule)(profile(), { ...env, isMember })).toBe(true);
    expect(compileRule({ $segment: 'churned' })(profile(), { ...env, isMember })).toBe(false);
    expect(compileRule(rule)(profile(), env)).toBe(false); // no membership source: nobody
  });

  it('$inGroup keeps GrowthBook meaning with the segment members as the saved group', () => {
    const rule = { id: { $inGroup: 'vip' } };
    const savedGroups = { vip: [1, 2, 3] };
    expect(compileRule(rule)(profile({ attributes: { id: 2 } }), env, savedGroups)).toBe(true);
    expect(compileRule(rule)(profile({ attributes: { id: 9 } }), env, savedGroups)).toBe(false);
    expect(
      compileRule({ id: { $notInGroup: 'vip' } })(
        profile({ attributes: { id: 9 } }),
        env,
        savedGroups
      )
    ).toBe(true);
  });

  it('large member lists behave the same as small ones', () => {
    const members = Array.from({ length: 5000 }, (_, i) => i * 2);
    const rule = compileRule({ id: { $inGroup: 'even' } });
    for (const id of [0, 1, 4998, 9998, 9999, 10_000]) {
      const expected = id % 2 === 0 && id < 10_000;
      expect(rule(profile({ attributes: { id } }), env, { even: members })).toBe(expected);
    }
    expect(rule(profile({ attributes: { id: '2' } }), env, { even: members })).toBe(false);
  });
});
