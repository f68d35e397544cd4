/**
 * GrowthBook's bucketing hash, so `$sample` puts a profile in the same bucket GrowthBook would
 * for the same seed and id.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;

/** 32-bit FNV-1a over UTF-16 code units (what GrowthBook hashes), as an unsigned integer. */
export function fnv1a32(input: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    // hash * 16777619 (the FNV prime) written as shifts, exact in 32-bit arithmetic.
    hash += (hash << 1) + (hash << 4) + (hash << 7) + (hash << 8) + (hash << 24);
  }
  return hash >>> 0;
}

/**
 * GrowthBook `hash(seed, value, version)`: a number in [0, 1), or null for an unknown version.
 * Version 2 (the unbiased one) hashes twice and keeps 4 decimals; version 1 keeps 3.
 */
export function growthbookHash(seed: string, value: string, version: number): number | null {
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
  if (version === 1) return (fnv1a32(value + seed) % 1000) / 1000;
  return null;
}

/** Whether a profile falls in the first `percent` % of the hash space for `seed` (hash v2). */
export function inSample(seed: string, profileId: number | string, percent: number): boolean {
  return (growthbookHash(seed, String(profileId), 2) as number) < percent / 100;
}
