import { useStrapi } from '../helpers/strapi';
import { ARTICLE, createSegment } from '../helpers/personalization';

/**
 * Issue 21.4: the hidden-rows cache of targeted lists is bounded by configuration
 * (`targeting.cacheMaxEntries`, `targeting.maxHiddenIds`), not by constants in the code. Here
 * two entries and two ids: a third (type, segments) combination evicts the oldest, and three
 * hidden rows are filtered by a subquery instead of an id list.
 */
describe('targeting: configured cache bounds', () => {
  const app = useStrapi('targeting_cache_config', {
    SEGMENTS_TARGETING_CACHE_ENTRIES: '2',
    SEGMENTS_TARGETING_MAX_HIDDEN_IDS: '2',
  });
  const hiddenRows = (keys: string[]) =>
    app().strapi.plugin('segments').service('personalization').hiddenRows(ARTICLE, keys);

  /** Link-table reads (the hidden-rows query) made while `run` runs. */
  const reads = async (run: () => Promise<unknown>) => {
    const { strapi } = app();
    let n = 0;
    const log = (q: { sql: string }) => {
      if (q.sql.includes('articles_segments_targets_lnk')) n += 1;
    };
    strapi.db.connection.on('query', log);
    try {
      await run();
    } finally {
      strapi.db.connection.off('query', log);
    }
    return n;
  };

  beforeAll(async () => {
    const { strapi } = app();
    const vip = await createSegment(app(), 'cfg-vip', { plan: 'vip' });
    const other = await createSegment(app(), 'cfg-other', { plan: 'other' });
    for (const [title, targets] of [
      ['one', [vip]],
      ['two', [vip]],
      ['three', [other]],
    ] as const) {
      await strapi
        .documents(ARTICLE)
        .create({ data: { title, segmentsTargets: [...targets] } as never });
    }
  });

  it('filters more than maxHiddenIds hidden rows by a subquery', async () => {
    expect(config().targeting).toMatchObject({ cacheMaxEntries: 2, maxHiddenIds: 2 });
    expect(await hiddenRows([])).toEqual({ subquery: true });
    const forVip = (await hiddenRows(['cfg-vip'])) as { ids: number[] };
    expect(forVip.ids).toHaveLength(1);
  });

  it('keeps at most cacheMaxEntries combinations: the oldest is read again', async () => {
    expect(await reads(() => hiddenRows([]))).toBe(0); // cached by the test above
    expect(await reads(() => hiddenRows(['cfg-other']))).toBe(1); // a third combination…
    expect(await reads(() => hiddenRows(['cfg-vip']))).toBe(0); // …evicted the oldest ([]), not this one
    expect(await reads(() => hiddenRows([]))).toBe(1);
  });

  const config = () =>
    app().strapi.config.get('plugin::segments') as { targeting: Record<string, number> };
});
