import type { ConversionExperimentReport } from './statistics';

/**
 * One plain-language sentence (or two) that says what an experiment report means, for editors
 * who do not read p-values. Pure; the thresholds are the report's own (95% by default).
 *
 * Order of precedence: a broken split (SRM) voids everything; too little data says "too early";
 * then a winner needs both the frequentist test (p < 1 − confidence) and the Bayesian chance to
 * beat control (≥ confidence) to agree, so the two views never contradict the sentence.
 */
export interface VerdictOptions {
  /** Display names of the variations, control first. */
  names: readonly string[];
  /** What a conversion is, e.g. "purchase within 72 h". */
  metric?: string;
}

export type VerdictKind =
  | 'no-data'
  | 'srm'
  | 'too-early'
  | 'winner'
  | 'loser'
  | 'no-difference'
  | 'single';

export interface Verdict {
  kind: VerdictKind;
  /** The variation the sentence is about (winner or loser), when there is one. */
  variation: number | null;
  text: string;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
/** A probability for people: never "100%" or "0%" for something that is merely very likely. */
const chancePct = (x: number) => (x > 0.99 ? 'over 99%' : x < 0.01 ? 'under 1%' : pct(x, 0));
const signedPct = (x: number, digits = 1) =>
  `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(digits)}%`;

export function experimentVerdict(
  report: ConversionExperimentReport,
  options: VerdictOptions
): Verdict {
  const name = (i: number) => options.names[i] ?? `variation ${i}`;
  const metric = options.metric ?? 'conversion';
  const level = Math.round(report.confidence * 100);
  const totalUsers = report.variations.reduce((s, v) => s + v.visitors, 0);
  if (totalUsers === 0) {
    return {
      kind: 'no-data',
      variation: null,
      text: 'No results yet: nobody has been counted in this experiment.',
    };
  }
  if (report.srm.mismatch) {
    return {
      kind: 'srm',
      variation: null,
      text:
        `Do not trust these results: the split of users between variations does not match the configured weights ` +
        `(sample-ratio mismatch, p = ${(report.srm.pValue ?? 0).toPrecision(2)}). Look for a bug in assignment or tracking.`,
    };
  }
  if (report.variations.length < 2) {
    const v = report.variations[0];
    return {
      kind: 'single',
      variation: null,
      text: `Only one variation: ${v.conversions} of ${v.visitors} users converted (${pct(v.rate ?? 0)} ${metric}); there is nothing to compare.`,
    };
  }
  const small = report.warnings.filter((w) => w.type === 'min-sample');
  if (small.length) {
    const w = small[0] as Extract<(typeof report.warnings)[number], { type: 'min-sample' }>;
    return {
      kind: 'too-early',
      variation: null,
      text:
        `Too early to call: ${name(w.variation)} has ${w.visitors} users and ${w.conversions} conversions so far. ` +
        `Wait for at least 100 users and 10 conversions in every variation.`,
    };
  }
  // The strongest variation either way against the control.
  let best: { index: number; chance: number } | null = null;
  let worst: { index: number; chance: number } | null = null;
  for (const v of report.variations.slice(1)) {
    const vs = v.vsControl;
    if (!vs) continue;
    const chance = vs.chanceToBeatControl;
    if (vs.significant && chance >= report.confidence && (!best || chance > best.chance))
      best = { index: v.index, chance };
    if (vs.significant && chance <= 1 - report.confidence && (!worst || chance < worst.chance))
      worst = { index: v.index, chance };
  }
  const control = report.variations[0];
  const describe = (index: number) => {
    const v = report.variations[index];
    const rel = v.vsControl?.relativeUplift;
    const interval = rel
      ? ` (${signedPct(rel.estimate)}, ${level}% interval ${signedPct(rel.ci[0])} to ${signedPct(rel.ci[1])})`
      : '';
    return `${metric} ${pct(v.rate ?? 0)} vs ${pct(control.rate ?? 0)} for ${name(0)}${interval}`;
  };
  if (best) {
    return {
      kind: 'winner',
      variation: best.index,
      text:
        `${name(best.index)} beats ${name(0)}: ${describe(best.index)}; ` +
        `chance to beat ${name(0)} ${chancePct(best.chance)}, p = ${(report.variations[best.index].vsControl?.pValue ?? 0).toPrecision(2)}.`,
    };
  }
  if (worst) {
    return {
      kind: 'loser',
      variation: worst.index,
      text:
        `${name(worst.index)} does worse than ${name(0)}: ${describe(worst.index)}; ` +
        `chance to beat ${name(0)} ${chancePct(worst.chance)}.`,
    };
  }
  return {
    kind: 'no-difference',
    variation: null,
    text:
      `No clear difference yet between ${report.variations.map((v) => name(v.index)).join(', ')}: ` +
      `no variation is ahead of ${name(0)} with ${level}% confidence. Keep it running or accept that they perform alike.`,
  };
}
