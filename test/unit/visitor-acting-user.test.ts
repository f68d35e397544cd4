import { resolveVisitor, VisitorInputError } from '../../server/src/profiles/visitor';

const HEADER = 'x-segments-anonymous-id';

describe('resolveVisitor: an API-token caller acting for a user (X-Segments-User-Id)', () => {
  it('resolves the named user, keeping the anonymous id of the request', () => {
    expect(resolveVisitor({ apiTokenUserId: '42', headerAnonymousId: 'anon-12345' }, HEADER)).toEqual({
      kind: 'user',
      userId: 42,
      anonymousId: 'anon-12345',
    });
  });

  it('lets a real users-permissions login win over the header', () => {
    expect(resolveVisitor({ authenticatedUserId: 7, apiTokenUserId: '42' }, HEADER)).toMatchObject({ userId: 7 });
  });

  it.each(['0', '-1', '4.2', 'abc', '1e3', '12345678901234567'])('refuses %p naming the header', (value) => {
    expect(() => resolveVisitor({ apiTokenUserId: value }, HEADER)).toThrow(VisitorInputError);
    try {
      resolveVisitor({ apiTokenUserId: value }, HEADER);
    } catch (error) {
      expect((error as VisitorInputError).field).toBe('x-segments-user-id');
    }
  });
});
