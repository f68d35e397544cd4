/** The server's API contracts, re-exported so the admin client cannot drift from them. */
export type {
  ActivityDay,
  ActivityResponse,
  CatalogKey,
  DataEnvelope,
  FieldError,
  Overview,
  RuleValidation,
  SegmentCatalog,
  SegmentSummary,
} from '../../../server/src/contracts';

/** POST /segments/preview. */
export interface PreviewResult {
  size: number;
  estimated: boolean;
  sample: Array<{
    profileId: number;
    userId: number | null;
    anonymousId: string | null;
    traits: Record<string, unknown>;
  }>;
}

export interface SizePoint {
  day: string;
  size: number;
  computedAt: string;
}

export interface Member {
  profileId: number;
  enteredAt: string;
}

/** POST /segments/segments, PUT /segments/segments/:documentId (the builder's save). */
export interface SegmentInput {
  name: string;
  key: string;
  description: string;
  state: 'active' | 'archived';
  rule: unknown;
}
