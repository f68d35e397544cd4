import { dependencyOrder } from '../../../server/src/segments/order';

const seg = (key: string, rule: unknown) => ({ key, rule });

describe('dependencyOrder', () => {
  it('puts every segment after the segments it references', () => {
    const order = dependencyOrder([
      seg('a', { $and: [{ $segment: 'b' }, { $segment: 'c' }] }),
      seg('b', { $segment: 'c' }),
      seg('c', { plan: 'gold' }),
      seg('d', { country: 'DE' }),
    ]).map((s) => s.key);
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a'));
    expect(order).toHaveLength(4);
  });

  it('ignores references to unknown segments', () => {
    expect(dependencyOrder([seg('a', { $segment: 'gone' })]).map((s) => s.key)).toEqual(['a']);
  });

  it('keeps segments caught in a cycle, after all the others', () => {
    const order = dependencyOrder([
      seg('x', { $segment: 'y' }),
      seg('y', { $segment: 'x' }),
      seg('z', { plan: 'free' }),
    ]).map((s) => s.key);
    expect(order[0]).toBe('z');
    expect(new Set(order)).toEqual(new Set(['x', 'y', 'z']));
  });
});
