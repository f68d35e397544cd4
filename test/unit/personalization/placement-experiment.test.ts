import { assignVariation } from '../../../server/src/experiments';
import {
  assign,
  candidateUnits,
  experimentProblems,
  hashingUnit,
  toDefinition,
} from '../../../server/src/personalization/experiment';
import { bannerProblems, chooseBanner, parsePlacementRequest } from '../../../server/src/personalization/placement';

const b = (documentId: string, targets: string[], priority: number, id: number) => ({ documentId, targets, priority, id });

describe('chooseBanner', () => {
  it('prefers a matching targeted banner, then priority, then the oldest', () => {
    expect(chooseBanner([b('open', [], 9, 1), b('vip', ['vip'], 1, 2)])?.documentId).toBe('vip');
    expect(chooseBanner([b('a', ['x'], 1, 1), b('b', ['y'], 3, 2)])?.documentId).toBe('b');
    expect(chooseBanner([b('a', [], 2, 5), b('b', [], 2, 3)])?.documentId).toBe('b');
  });
  it('falls back to untargeted, or nothing', () => {
    expect(chooseBanner([b('low', [], 1, 1), b('high', [], 4, 2)])?.documentId).toBe('high');
    expect(chooseBanner([])).toBeNull();
  });
});

describe('placement request and banner checks', () => {
  it('names the field of a bad placement or locale', () => {
    expect(parsePlacementRequest({ placement: 'home-hero', locale: 'fr-FR' })).toEqual({ ok: true, placement: 'home-hero', locale: 'fr-FR' });
    const bad = parsePlacementRequest({ placement: 'Home Hero', locale: '<x>' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.path).sort()).toEqual(['locale', 'placement']);
  });
  it('refuses script URLs, a label without URL and an empty window', () => {
    expect(bannerProblems({ ctaUrl: 'https://x.test/a', ctaLabel: 'Go' })).toEqual([]);
    expect(bannerProblems({ ctaUrl: '/path' })).toEqual([]);
    expect(bannerProblems({ ctaUrl: 'javascript:alert(1)' }).map((p) => p.path)).toEqual(['ctaUrl']);
    expect(bannerProblems({ ctaLabel: 'Go' }).map((p) => p.path)).toEqual(['ctaUrl']);
    expect(
      bannerProblems({ startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }).map((p) => p.path)
    ).toEqual(['endsAt']);
  });
});

const valid = {
  key: 'promo-test',
  placement: 'promo',
  state: 'running',
  variants: [
    { banner: 'a', weight: 0.3 },
    { banner: 'b', weight: 0.7 },
  ],
};

describe('experiment definitions', () => {
  it('accepts a valid definition with defaults', () => {
    expect(experimentProblems(valid)).toEqual([]);
    const d = toDefinition({ ...valid, documentId: 'doc1', coverage: '0.5' });
    expect(d).toMatchObject({ coverage: 0.5, hashVersion: 2, conversionWindowHours: 168, seed: null, namespace: null });
  });
  it.each([
    [{ variants: [{ banner: 'a', weight: 1 }] }, 'variants'],
    [{ variants: [{ banner: 'a', weight: 0.5 }, { banner: 'b', weight: 0.6 }] }, 'variants'],
    [{ variants: [{ banner: 'a', weight: 0.5 }, { banner: 'a', weight: 0.5 }] }, 'variants.1.banner'],
    [{ variants: [{ banner: 'a', weight: 0.5 }, { banner: 'b', weight: '0.5' }] }, 'variants.1.weight'],
    [{ coverage: 2 }, 'coverage'],
    [{ hashVersion: 3 }, 'hashVersion'],
    [{ namespace: ['ns', 0.6, 0.2] }, 'namespace'],
    [{ key: 'Bad Key' }, 'key'],
    [{ state: 'paused' }, 'state'],
  ])('%j → a problem at %s', (patch, path) => {
    expect(experimentProblems({ ...valid, ...patch }).map((p) => p.path)).toContain(path);
  });
});

describe('hashing unit and stickiness inputs', () => {
  it('hashes on the anonymous id, else the user id', () => {
    expect(hashingUnit({ requestAnonymousId: 'anon-1', profileAnonymousId: 'anon-0', userId: 7 })).toEqual({ kind: 'anonymous', value: 'anon-1' });
    expect(hashingUnit({ requestAnonymousId: null, profileAnonymousId: 'anon-0', userId: 7 })).toEqual({ kind: 'anonymous', value: 'anon-0' });
    expect(hashingUnit({ requestAnonymousId: null, profileAnonymousId: null, userId: 7 })).toEqual({ kind: 'user', value: '7' });
    expect(hashingUnit({ requestAnonymousId: null, profileAnonymousId: null, userId: null })).toBeNull();
  });
  it('looks for earlier exposures under every identity of the visitor, once each', () => {
    expect(
      candidateUnits({
        requestAnonymousId: 'anon-1',
        userId: 7,
        identities: [
          { kind: 'anonymous', value: 'anon-1' },
          { kind: 'anonymous', value: 'anon-0' },
          { kind: 'user', value: '7' },
        ],
      })
    ).toEqual([
      { kind: 'anonymous', value: 'anon-1' },
      { kind: 'user', value: '7' },
      { kind: 'anonymous', value: 'anon-0' },
    ]);
  });
});

describe('assignment on a placement experiment', () => {
  const experiment = toDefinition({
    ...valid,
    documentId: 'doc',
    variants: [
      { banner: 'a', weight: 0.2 },
      { banner: 'b', weight: 0.3 },
      { banner: 'c', weight: 0.5 },
    ],
  });

  it('is GrowthBook assignVariation with the experiment key, weights and hash version', () => {
    for (let i = 0; i < 200; i++) {
      const unit = { kind: 'anonymous' as const, value: `visitor-${i}` };
      expect(assign(experiment, unit)).toEqual(
        assignVariation({ experimentKey: 'promo-test', unitId: unit.value, weights: [0.2, 0.3, 0.5], hashVersion: 2 })
      );
    }
  });

  it('splits 10,000 simulated visitors within ±2% of the weights', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const a = assign(experiment, { kind: 'anonymous', value: `sim-${i}-${(i * 7919) % 10007}` });
      counts[a.variationIndex] += 1;
    }
    expect(Math.abs(counts[0] / 10_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts[1] / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts[2] / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it('respects coverage: outside it nobody is assigned', () => {
    const half = toDefinition({ ...valid, documentId: 'doc', coverage: 0.5 });
    let inside = 0;
    for (let i = 0; i < 10_000; i++) if (assign(half, { kind: 'anonymous', value: `cov-${i}` }).inExperiment) inside += 1;
    expect(Math.abs(inside / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});
