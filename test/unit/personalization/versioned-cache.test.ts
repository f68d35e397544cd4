import { versionedCache } from '../../../server/src/personalization/content-version';

/** The per-instance cache behind placements and targeted lists. */
describe('versionedCache', () => {
  afterEach(() => jest.useRealTimers());

  it('reuses a value while its version holds, reloads when the version moves', async () => {
    const cache = versionedCache<number>(60_000, 10);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', 1, load)).toBe(1);
    expect(await cache.get('a', 1, load)).toBe(1);
    expect(await cache.get('a', 2, load)).toBe(2);
    expect(await cache.get('b', 2, load)).toBe(3);
    cache.clear();
    expect(await cache.get('a', 2, load)).toBe(4);
  });

  it('reloads after the time to live, whatever the version says', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = versionedCache<number>(60_000, 10);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', 1, load);
    jest.setSystemTime(1_000_000 + 59_999);
    expect(await cache.get('a', 1, load)).toBe(1);
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await cache.get('a', 1, load)).toBe(2);
  });

  it('forgets a failed load, but not a newer value stored under the same key', async () => {
    const cache = versionedCache<string>(60_000, 10);
    const failing = cache.get('a', 1, async () => {
      throw new Error('db down');
    });
    await expect(failing).rejects.toThrow('db down');
    expect(await cache.get('a', 1, async () => 'recovered')).toBe('recovered');

    let reject!: (e: Error) => void;
    const slow = cache.get('b', 1, () => new Promise<string>((_, r) => (reject = r)));
    expect(await cache.get('b', 2, async () => 'newer')).toBe('newer');
    reject(new Error('late failure'));
    await expect(slow).rejects.toThrow('late failure');
    expect(await cache.get('b', 2, async () => 'reloaded')).toBe('newer');
  });

  it('drops the oldest entry past its bound', async () => {
    const cache = versionedCache<string>(60_000, 2);
    await cache.get('a', 1, async () => 'a1');
    await cache.get('b', 1, async () => 'b1');
    await cache.get('c', 1, async () => 'c1');
    expect(await cache.get('a', 1, async () => 'a2')).toBe('a2');
    expect(await cache.get('c', 1, async () => 'c2')).toBe('c1');
  });
});
