import {
  changeTokens,
  decodeChanges,
  encodeChanges,
  isAffected,
  ruleDependencies,
  segmentDependencies,
} from '../../../server/src/segments/dependencies';

const sorted = (deps: ReadonlySet<string> | null) => (deps === null ? null : [...deps].sort());

describe('ruleDependencies', () => {
  it('reads attributes by their first path part, through combinators', () => {
    expect(
      sorted(
        ruleDependencies({
          plan: 'gold',
          $or: [{ 'address.city': 'Berlin' }, { $not: { age: { $gt: 30 } } }],
          $and: [{ $nor: [{ tags: { $elemMatch: { $eq: 'vip' } } }] }],
        })
      )
    ).toEqual(['a:address', 'a:age', 'a:plan', 'a:tags']);
  });

  it('names the events, dates, coordinates and context the extensions read', () => {
    expect(
      sorted(
        ruleDependencies({
          $event: { name: 'purchase', count: { $gte: 3 }, within: { days: 90 } },
          $date: { attribute: 'signupDate', olderThan: { days: 30 } },
          $geo: { near: { lat: 52.5, lng: 13.4 }, radiusKm: 50 },
          $context: { device: 'mobile' },
          $sample: { seed: 's', percent: 20 },
          $segment: 'vip',
        })
      )
    ).toEqual(['a:latitude', 'a:longitude', 'a:signupDate', 'a:timezone', 'c', 'e:purchase']);
  });

  it('reads an operator it does not know, or a malformed extension, as "anything"', () => {
    expect(ruleDependencies({ $savedGroup: { id: 'x' } })).toBeNull();
    expect(ruleDependencies({ $event: { count: 1 } })).toBeNull();
    expect(ruleDependencies({ $date: { olderThan: { days: 1 } } })).toBeNull();
  });
});

describe('segmentDependencies', () => {
  it('adds the referenced segments’ dependencies, transitively', () => {
    const deps = segmentDependencies([
      { key: 'buyers', rule: { $event: { name: 'purchase' } } },
      { key: 'gold', rule: { plan: 'gold', $segment: 'buyers' } },
      { key: 'vip', rule: { $segment: 'gold', country: 'DE' } },
      { key: 'dangling', rule: { $segment: 'missing' } },
    ]);
    expect(sorted(deps.get('vip') ?? null)).toEqual(['a:country', 'a:plan', 'e:purchase']);
    expect(sorted(deps.get('dangling') ?? null)).toEqual([]);
  });

  it('reads a cycle (refused on save) or an unreadable reference as "anything"', () => {
    const deps = segmentDependencies([
      { key: 'a', rule: { $segment: 'b' } },
      { key: 'b', rule: { $segment: 'a' } },
      { key: 'c', rule: { $segment: 'd', plan: 'x' } },
      { key: 'd', rule: { $savedGroup: { id: 'g' } } },
    ]);
    expect(deps.get('a')).toBeNull();
    expect(deps.get('c')).toBeNull();
  });
});

describe('changes', () => {
  it('describes an event batch, a trait write and a merge', () => {
    const batch = changeTokens({ profileId: 1, events: ['purchase'], activity: true });
    expect(batch?.has('e:purchase')).toBe(true);
    expect(batch?.has('a:lastSeenAt')).toBe(true);
    expect(batch?.has('a:country')).toBe(true);
    expect(batch?.has('c')).toBe(true);
    expect(batch?.has('a:plan')).toBe(false);
    expect(sorted(changeTokens({ profileId: 1, attributes: ['plan', 'address.city'] }))).toEqual([
      'a:address',
      'a:plan',
    ]);
    expect(changeTokens({ profileId: 1, everything: true })).toBeNull();
  });

  it('decides which segments a change can move', () => {
    const gold = ruleDependencies({ plan: 'gold' });
    const buyers = ruleDependencies({ $event: { name: 'purchase' } });
    const viewed = changeTokens({ profileId: 1, events: ['page_view'], activity: true });
    expect(isAffected(gold, viewed)).toBe(false);
    expect(isAffected(buyers, viewed)).toBe(false);
    expect(isAffected(buyers, changeTokens({ profileId: 1, events: ['purchase'] }))).toBe(true);
    expect(isAffected(gold, null)).toBe(true);
    expect(isAffected(null, new Set())).toBe(true);
    // A sample or constant rule reads nothing a write changes (a new profile is marked "anything").
    expect(isAffected(ruleDependencies({ $sample: { seed: 's', percent: 5 } }), viewed)).toBe(
      false
    );
  });

  it('round-trips through the stored form; unstorable sets become "anything"', () => {
    const tokens = new Set(['e:purchase', 'a:plan']);
    const text = encodeChanges(tokens);
    expect(text).toBe('\na:plan\ne:purchase\n');
    expect(sorted(decodeChanges(text))).toEqual(['a:plan', 'e:purchase']);
    expect(decodeChanges(null)).toBeNull();
    expect(encodeChanges(null)).toBeNull();
    expect(encodeChanges(new Set(['a:odd\nkey']))).toBeNull();
    expect(
      encodeChanges(new Set(Array.from({ length: 500 }, (_, i) => `e:event-${i}`)))
    ).toBeNull();
  });
});
