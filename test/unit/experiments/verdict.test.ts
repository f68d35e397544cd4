import { analyzeConversionExperiment, experimentVerdict } from '../../../server/src/experiments';

const verdict = (counts: [number, number][], names = ['A', 'B', 'C'], weights?: number[]) =>
  experimentVerdict(
    analyzeConversionExperiment(
      counts.map(([visitors, conversions]) => ({ visitors, conversions })),
      weights ? { weights } : {}
    ),
    { names, metric: 'purchase' }
  );

describe('experiment verdict', () => {
  it('names a winner only when the test and the chance to beat control agree', () => {
    const v = verdict([
      [1000, 100],
      [1000, 140],
    ]);
    expect(v.kind).toBe('winner');
    expect(v.variation).toBe(1);
    expect(v.text).toMatch(
      /^B beats A: purchase 14\.0% vs 10\.0% for A \(\+40\.0%, 95% interval \+\d+\.\d% to \+\d+\.\d%\); chance to beat A over 99%, p = 0\.0059\.$/
    );
  });

  it('names a loser, says "no clear difference" for noise, and picks the strongest of several', () => {
    expect(
      verdict([
        [1000, 140],
        [1000, 100],
      ]).kind
    ).toBe('loser');
    const flat = verdict([
      [1000, 100],
      [1000, 104],
    ]);
    expect(flat.kind).toBe('no-difference');
    expect(flat.text).toContain('No clear difference yet between A, B');
    const three = verdict([
      [2000, 200],
      [2000, 250],
      [2000, 300],
    ]);
    expect(three).toMatchObject({ kind: 'winner', variation: 2 });
  });

  it('says "too early" below 100 users or 10 conversions in any variation', () => {
    const v = verdict([
      [120, 12],
      [100, 5],
    ]);
    expect(v.kind).toBe('too-early');
    expect(v.text).toContain('B has 100 users and 5 conversions');
  });

  it('a sample-ratio mismatch voids the result, whatever the uplift', () => {
    const v = verdict(
      [
        [1000, 100],
        [1300, 300],
      ],
      ['A', 'B'],
      [1, 1]
    );
    expect(v.kind).toBe('srm');
    expect(v.text).toMatch(/^Do not trust these results/);
  });

  it('no users, one variation', () => {
    expect(
      verdict([
        [0, 0],
        [0, 0],
      ]).kind
    ).toBe('no-data');
    expect(verdict([[500, 50]]).kind).toBe('single');
  });
});
