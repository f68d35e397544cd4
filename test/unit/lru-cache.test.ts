import { LruCache } from '../../server/src/utils/lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its size', () => {
    const cache = new LruCache<number, string>(2, 1000, () => 0);
    cache.set(1, 'a');
    cache.set(2, 'b');
    expect(cache.get(1)).toBe('a'); // 1 is now the most recent
    cache.set(3, 'c');
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toBe('a');
    expect(cache.get(3)).toBe('c');
    expect(cache.size).toBe(2);
  });

  it('expires entries after their time to live', () => {
    let now = 0;
    const cache = new LruCache<string, number>(10, 100, () => now);
    cache.set('k', 1);
    now = 99;
    expect(cache.get('k')).toBe(1);
    now = 100;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets deleted keys', () => {
    const cache = new LruCache<string, number>(10, 100, () => 0);
    cache.set('k', 1);
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
  });
});
