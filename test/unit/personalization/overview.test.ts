import { outcomesBySegment, type OverviewBanner } from '../../../server/src/personalization/overview';

const banner = (id: number, targets: string[], priority: number, extra: Partial<OverviewBanner> = {}): OverviewBanner => ({
  id,
  documentId: `b${id}`,
  title: `B${id}`,
  locale: 'en',
  published: true,
  live: true,
  startsAt: null,
  endsAt: null,
  targets,
  priority,
  ...extra,
});

const vip = { documentId: 'sv', key: 'vip', name: 'VIP' };
const beta = { documentId: 'sb', key: 'beta', name: 'Beta' };
const unused = { documentId: 'su', key: 'unused', name: 'Unused' };

describe('outcomesBySegment', () => {
  it('per targeted segment: its best banner, then the fallbacks; everyone else gets the best untargeted one', () => {
    const banners = [
      banner(1, [], 1),
      banner(2, [], 5),
      banner(3, ['vip'], 2),
      banner(4, ['vip', 'beta'], 7),
      banner(5, ['beta'], 100, { published: false }),
      banner(6, ['beta'], 90, { live: false }),
    ];
    const rows = outcomesBySegment(banners, [beta, unused, vip]);
    expect(rows).toEqual([
      { segment: beta, banner: 'b4', ranked: ['b4', 'b2', 'b1'] },
      { segment: vip, banner: 'b4', ranked: ['b4', 'b3', 'b2', 'b1'] },
      { segment: null, banner: 'b2', ranked: ['b2', 'b1'] },
    ]);
  });

  it('nothing eligible: null (the content API answers 404)', () => {
    expect(outcomesBySegment([banner(1, ['vip'], 1, { published: false })], [vip])).toEqual([
      { segment: vip, banner: null, ranked: [] },
      { segment: null, banner: null, ranked: [] },
    ]);
  });
});
