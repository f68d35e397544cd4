import request from 'supertest';
import { adminToken } from './helpers/admin';
import { insertProfiles } from './helpers/profiles-fixture';
import { useStrapi } from './helpers/strapi';

const UID = 'plugin::segments.segment';
const PROFILES = 12_000;

/**
 * The segment's `uses` and read-only computed size/time (issue 5 item 1), and the builder
 * preview's estimate (item 4): with a zero time budget every preview over more profiles than
 * the sample is estimated from a systematic sample, within ±2% of all profiles.
 */
describe('segment uses, computed fields and estimated previews', () => {
  const app = useStrapi('segment_fields', {
    SEGMENTS_PREVIEW_BUDGET_MS: '0',
    SEGMENTS_PREVIEW_SAMPLE_SIZE: '3000',
  });
  const docs = () => app().strapi.documents(UID);
  const service = () => app().strapi.plugin('segments').service('segments');

  // A deterministic spread of plans (a xorshift hash of the id); ages repeat every 60 ids.
  const planOf = (id: number) => {
    let x = (id ^ 0x9e3779b9) >>> 0;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  beforeAll(async () => {
    await insertProfiles(
      app().knex,
      Array.from({ length: PROFILES }, (_, i) => ({
        id: i + 1,
        traits: { plan: planOf(i + 1) < 0.3 ? 'gold' : 'free', age: 18 + ((i * 7919) % 60) },
      }))
    );
    await app()
      .knex('segments_profiles')
      .where('id', 1)
      .update({ anonymous_id: 'fields-visitor-1' });
  }, 120_000);

  it('defaults uses to every use, validates it, and lists only personalisation segments in /me', async () => {
    const gold = await docs().create({ data: { name: 'Gold', key: 'gold', rule: { plan: 'gold' } } as never });
    expect((gold as unknown as { uses: string[] }).uses).toEqual(['personalisation', 'campaigns']);
    await docs().create({
      data: { name: 'All', key: 'all-campaign', rule: {}, uses: ['campaigns'] } as never,
    });
    // A personalisation segment may rest on a campaign-only one: it is evaluated, not reported.
    await docs().create({
      data: { name: 'On all', key: 'on-all', rule: { $segment: 'all-campaign' }, uses: ['personalisation'] } as never,
    });
    await expect(
      docs().create({ data: { name: 'Bad', key: 'bad', rule: {}, uses: ['email', 'campaigns', 'campaigns'] } as never })
    ).rejects.toMatchObject({
      details: {
        errors: [
          { path: 'uses[0]', message: 'must be one of: personalisation, campaigns' },
          { path: 'uses[2]', message: '"campaigns" is listed twice' },
        ],
      },
    });
    await expect(docs().create({ data: { name: 'Bad', key: 'bad', rule: {}, uses: 'campaigns' } as never })).rejects.toMatchObject({
      details: { errors: [{ path: 'uses', message: 'must be a list of: personalisation, campaigns' }] },
    });
    expect(await docs().findFirst({ filters: { key: 'bad' } } as never)).toBeNull();

    service().invalidateDefinitions();
    const me = await request(app().server)
      .get('/api/segments/me').set('X-Segments-Anonymous-Id', 'fields-visitor-1').expect(200);
    const expected = planOf(1) < 0.3 ? ['gold', 'on-all'] : ['on-all'];
    expect([...me.body.data.segments].sort()).toEqual(expected);
  });

  it('records computedSize and computedAt on recompute, and nobody else can write them', async () => {
    const gold = await docs().findFirst({ filters: { key: 'gold' } } as never);
    const expected = Array.from({ length: PROFILES }, (_, i) => planOf(i + 1) < 0.3).filter(Boolean).length;
    const before = Date.now();
    await service().recompute(gold!.documentId);
    const after = (await docs().findOne({ documentId: gold!.documentId } as never)) as unknown as {
      computedSize: number;
      computedAt: string;
    };
    expect(after.computedSize).toBe(expected);
    expect(Date.parse(after.computedAt)).toBeGreaterThanOrEqual(before - 1000);

    await docs().update({
      documentId: gold!.documentId,
      data: { computedSize: 1, computedAt: '2000-01-01T00:00:00.000Z', name: 'Gold members' },
    } as never);
    const written = (await docs().findOne({ documentId: gold!.documentId } as never)) as unknown as {
      name: string;
      computedSize: number;
      computedAt: string;
    };
    expect(written).toMatchObject({ name: 'Gold members', computedSize: expected, computedAt: after.computedAt });
  });

  it('estimates the preview size from a sample when the exact count would exceed the budget', async () => {
    const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const rules: Array<[object, (id: number) => boolean]> = [
      [{ plan: 'gold' }, (id) => planOf(id) < 0.3],
      [{ age: { $gte: 40 } }, (id) => 18 + (((id - 1) * 7919) % 60) >= 40],
      [{ $and: [{ plan: 'free' }, { age: { $lt: 30 } }] }, (id) => planOf(id) >= 0.3 && 18 + (((id - 1) * 7919) % 60) < 30],
    ];
    for (const [rule, matches] of rules) {
      const exact = Array.from({ length: PROFILES }, (_, i) => i + 1).filter(matches).length;
      const res = await request(app().server)
        .post('/segments/preview')
        .set('Authorization', `Bearer ${token}`)
        .send({ rule, sampleSize: 3 })
        .expect(200);
      const { size, estimated, interval, sample } = res.body.data;
      expect(estimated).toBe(true);
      expect(Math.abs(size - exact)).toBeLessThanOrEqual(0.02 * PROFILES);
      expect(interval.low).toBeLessThanOrEqual(exact);
      expect(interval.high).toBeGreaterThanOrEqual(exact);
      expect(interval.confidence).toBe(0.95);
      // Sample members are real members.
      expect(sample).toHaveLength(3);
      for (const member of sample) expect(matches(member.profileId)).toBe(true);
    }
  });
});
