import { estimateSize, exactWouldExceed, samplingPlan } from '../../../server/src/segments/estimate';

describe('preview size estimates', () => {
  it('samples only tables larger than the sample, at about sampleSize profiles', () => {
    expect(samplingPlan(50_000, 50_000)).toBeNull();
    expect(samplingPlan(1_000_000, 50_000)).toEqual({ modulus: 20, remainder: 0 });
    expect(samplingPlan(1_000_001, 50_000)).toEqual({ modulus: 21, remainder: 0 });
  });

  it('predicts the exact count from the sample time scaled by the sampling ratio', () => {
    expect(exactWouldExceed(60, 20, 1000)).toBe(true);
    expect(exactWouldExceed(40, 20, 1000)).toBe(false);
  });

  it('scales the sample proportion with a 95% interval that shrinks with the sample', () => {
    const small = estimateSize(300, 1000, 1_000_000);
    expect(small.size).toBe(300_000);
    // 1.96 · √(0.3·0.7/1000) ≈ 2.84% of the population.
    expect(small.high - small.size).toBeGreaterThan(28_000);
    expect(small.high - small.size).toBeLessThan(29_000);
    const large = estimateSize(15_000, 50_000, 1_000_000);
    expect(large.size).toBe(300_000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
    // A census has no sampling error.
    expect(estimateSize(10, 100, 100)).toEqual({ size: 10, low: 10, high: 10 });
    expect(estimateSize(0, 0, 100)).toEqual({ size: 0, low: 0, high: 100 });
  });

  it('covers the true proportion about 95% of the time (simulated samples)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const total = 200_000;
    const truth = 0.37;
    let covered = 0;
    const runs = 400;
    for (let r = 0; r < runs; r += 1) {
      let matches = 0;
      for (let i = 0; i < 2000; i += 1) if (rnd() < truth) matches += 1;
      const e = estimateSize(matches, 2000, total);
      if (e.low <= truth * total && truth * total <= e.high) covered += 1;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.98);
  });
});
