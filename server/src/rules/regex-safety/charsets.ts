/**
 * Character sets as sorted, merged [lo, hi] ranges of UTF-16 code units, with the classes
 * JavaScript regexes know (digits, word, space, dot) — what the screening compares first characters with.
 */

const MAX_CODE_UNIT = 0xffff;

export type CharSet = ReadonlyArray<readonly [number, number]>;

function normalize(ranges: Array<[number, number]>): CharSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

export const union = (a: CharSet, b: CharSet): CharSet =>
  normalize([...a, ...b].map(([lo, hi]) => [lo, hi] as [number, number]));

export function complement(set: CharSet): CharSet {
  const result: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) result.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_UNIT) result.push([next, MAX_CODE_UNIT]);
  return result;
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const result: Array<[number, number]> = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) result.push([lo, hi]);
    }
  }
  return normalize(result);
}

export const overlaps = (a: CharSet, b: CharSet) => intersect(a, b).length > 0;

/** Adds the other case of ASCII letters (enough for an `i` flag overlap test). */
export function foldCase(set: CharSet): CharSet {
  const extra: Array<[number, number]> = [];
  for (const [lo, hi] of set) {
    for (const [from, to, shift] of [
      [65, 90, 32],
      [97, 122, -32],
    ]) {
      const start = Math.max(lo, from);
      const end = Math.min(hi, to);
      if (start <= end) extra.push([start + shift, end + shift]);
    }
  }
  return union(set, extra);
}

export const char = (code: number): CharSet => [[code, code]];

export const ANY: CharSet = [[0, MAX_CODE_UNIT]];

export const DIGIT: CharSet = [[48, 57]];

export const WORD: CharSet = normalize([
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
]);

export const SPACE: CharSet = normalize(
  [9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]
    .map((code) => [code, code] as [number, number])
    .concat([[0x2000, 0x200a]])
);

export const DOT: CharSet = complement(
  normalize([
    [10, 10],
    [13, 13],
    [0x2028, 0x2029],
  ])
);
