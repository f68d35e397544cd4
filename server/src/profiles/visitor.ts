/**
 * Who is asking (DESIGN §6), decided from what the request proves — never from a user id in the
 * body of an unauthenticated call. Pure: the Strapi shell extracts the inputs.
 */
export interface VisitorInputs {
  /** users-permissions user authenticated by JWT (`ctx.state.user`). */
  authenticatedUserId?: number | null;
  /** Anonymous id from the configured header, if any. */
  headerAnonymousId?: string | null;
  /** Anonymous id from the first-party cookie, if enabled. */
  cookieAnonymousId?: string | null;
  /** `X-Segments-User-Id` of a Strapi API-token caller (server-side rendering for a user). */
  apiTokenUserId?: string | null;
}

export const ACTING_USER_HEADER = 'x-segments-user-id';

export type Visitor =
  | { kind: 'user'; userId: number; anonymousId: string | null }
  | { kind: 'anonymous'; anonymousId: string }
  | { kind: 'none' };

export const ANONYMOUS_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export class VisitorInputError extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(message);
  }
}

function checkAnonymousId(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (!ANONYMOUS_ID_PATTERN.test(value)) {
    throw new VisitorInputError(field, `${field} must be 8–64 characters of A–Z, a–z, 0–9, _ or -`);
  }
  return value;
}

export function resolveVisitor(inputs: VisitorInputs, headerName: string): Visitor {
  const anonymousId =
    checkAnonymousId(inputs.headerAnonymousId, headerName) ??
    checkAnonymousId(inputs.cookieAnonymousId, 'cookie');
  if (typeof inputs.authenticatedUserId === 'number') {
    return { kind: 'user', userId: inputs.authenticatedUserId, anonymousId };
  }
  if (inputs.apiTokenUserId) {
    if (!/^[1-9][0-9]{0,14}$/.test(inputs.apiTokenUserId)) {
      throw new VisitorInputError(
        ACTING_USER_HEADER,
        `${ACTING_USER_HEADER} must be a positive integer user id`
      );
    }
    return { kind: 'user', userId: Number(inputs.apiTokenUserId), anonymousId };
  }
  if (anonymousId) return { kind: 'anonymous', anonymousId };
  return { kind: 'none' };
}
