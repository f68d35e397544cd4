/**
 * Request/response shapes of the admin and content APIs. Plain types with no imports, so the
 * admin panel (admin/src/api) compiles against exactly what the server returns.
 */
export interface DataEnvelope<T> {
  data: T;
}

/** GET /segments/overview (admin). */
export interface Overview {
  segments: number;
  profiles: number;
}

/** GET /api/segments/me (content API). */
export interface MeResponse {
  visitor:
    | { kind: 'user'; userId: number; anonymousId: string | null }
    | { kind: 'anonymous'; anonymousId: string }
    | { kind: 'none' };
  profileId: number | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
}

/** One problem with a request, named by the JSON path of the offending field. */
export interface FieldError {
  path: string;
  message: string;
}
