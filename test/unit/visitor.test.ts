import { resolveVisitor, VisitorInputError } from '../../server/src/profiles/visitor';

const HEADER = 'x-segments-anonymous-id';

describe('resolveVisitor', () => {
  it('prefers the authenticated user and keeps the anonymous id for merging', () => {
    expect(resolveVisitor({ authenticatedUserId: 7, headerAnonymousId: 'anon-12345' }, HEADER)).toEqual({
      kind: 'user',
      userId: 7,
      anonymousId: 'anon-12345',
    });
  });

  it('falls back to the header, then the cookie', () => {
    expect(resolveVisitor({ headerAnonymousId: 'header-id-1', cookieAnonymousId: 'cookie-id-1' }, HEADER)).toEqual({
      kind: 'anonymous',
      anonymousId: 'header-id-1',
    });
    expect(resolveVisitor({ cookieAnonymousId: 'cookie-id-1' }, HEADER)).toEqual({
      kind: 'anonymous',
      anonymousId: 'cookie-id-1',
    });
  });

  it('is nobody without proof of identity', () => {
    expect(resolveVisitor({}, HEADER)).toEqual({ kind: 'none' });
    expect(resolveVisitor({ headerAnonymousId: '' }, HEADER)).toEqual({ kind: 'none' });
  });

  it.each(['short', 'has space in it', 'x'.repeat(65), 'semi;colon12'])(
    'rejects the malformed anonymous id %p naming its source',
    (bad) => {
      let caught: unknown;
      try {
        resolveVisitor({ headerAnonymousId: bad }, HEADER);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(VisitorInputError);
      expect((caught as VisitorInputError).field).toBe(HEADER);
    },
  );
});
