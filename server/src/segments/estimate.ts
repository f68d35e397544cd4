/**
 * Size estimates for the builder's live preview (issue 5 item 4): when counting a rule over
 * every profile would take longer than the budget, count it over a systematic sample of ids
 * instead and scale up (a hashed 1-in-`modulus` sample of ids, see rules/sql `sampledProfileSql`). Pure: the service times the sample and supplies the counts.
 */

/** A 1/`modulus` hashed sample of profile ids, or null when the whole table is small enough. */
export function samplingPlan(
  total: number,
  sampleSize: number
): { modulus: number; remainder: number } | null {
  if (total <= sampleSize) return null;
  return { modulus: Math.ceil(total / sampleSize), remainder: 0 };
}

/** The exact count is predicted to take the sample's time scaled by the sampling ratio. */
export function exactWouldExceed(sampleMs: number, modulus: number, budgetMs: number): boolean {
  return sampleMs * modulus > budgetMs;
}

export interface SizeEstimate {
  size: number;
  /** 95% interval for the true size (normal approximation, finite-population corrected). */
  low: number;
  high: number;
}

/**
 * Scales `matches` of `sampled` profiles to `total`. The half-width at 95% is at most
 * 1.96·√(0.25/n)·total, i.e. ±0.44% of all profiles for the default 50,000-profile sample.
 */
export function estimateSize(matches: number, sampled: number, total: number): SizeEstimate {
  if (sampled <= 0) return { size: 0, low: 0, high: total };
  const p = matches / sampled;
  const fpc = total > 1 ? Math.sqrt(Math.max(0, (total - sampled) / (total - 1))) : 0;
  const half = 1.96 * Math.sqrt((p * (1 - p)) / sampled) * fpc * total;
  const size = Math.round(p * total);
  return {
    size,
    low: Math.max(0, Math.floor(size - half)),
    high: Math.min(total, Math.ceil(size + half)),
  };
}
