/**
 * In-memory attribute evaluation: the compiled rule evaluator against GrowthBook's
 * `evalCondition`, on the same realistic rules × generated profiles, in the same run.
 * Rules are compiled once up front, as the request path does (a segment's rule is compiled
 * when it is loaded, then evaluated for every visitor).
 */
import { evalCondition } from '@growthbook/growthbook';
import { compileRule, type ProfileFacts, type Rule } from '../server/src/rules';
import type { BenchResult } from './types';


const PROFILE_COUNT = 500;
const ROUNDS = 5;
const ROUND_MS = 600;

const RULES: Rule[] = [
  { country: { $in: ['DE', 'AT', 'CH'] }, age: { $gte: 18, $lt: 65 } },
  { $or: [{ plan: 'pro' }, { 'company.size': { $gt: 50 } }], email: { $regex: '@example\\.com$' } },
  { tags: { $elemMatch: { $eq: 'beta' } }, locale: { $ini: ['de-DE', 'de-AT'] } },
  { appVersion: { $vgte: '2.3.0' }, os: { $in: ['iOS', 'Android'] } },
  {
    $and: [{ lifetimeValue: { $gt: 100 } }, { $not: { churned: true } }],
    'address.city': { $exists: true },
  },
  { id: { $inGroup: 'vip' }, country: { $ne: 'US' } },
  { $nor: [{ country: 'US' }, { plan: 'free' }], signupSource: { $nin: ['ads', 'affiliate'] } },
  { tags: { $all: ['newsletter', 'beta'] }, score: { $gte: 0.5 } },
  { name: { $regexi: '^jo' }, age: { $exists: true, $lte: 30 } },
  { orders: { $size: { $gte: 3 } }, 'company.industry': { $in: ['retail', 'media', 'finance'] } },
  { hobbies: { $elemMatch: { name: { $regex: '^ping' }, level: { $gte: 2 } } } },
  { plan: 'pro', newsletter: true, 'address.country': 'DE', age: { $gt: 21 } },
];

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateAttributes(count: number): Array<Record<string, unknown>> {
  const next = random(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const maybe = <T>(probability: number, value: () => T): T | undefined =>
    next() < probability ? value() : undefined;
  const profiles: Array<Record<string, unknown>> = [];
  for (let id = 1; id <= count; id++) {
    const attributes: Record<string, unknown> = {
      id,
      email: `${pick(['jo', 'anna', 'li', 'sam'])}${id}@${pick(['example.com', 'mail.test'])}`,
      name: pick(['John', 'Joanna', 'Anna', 'Li', 'Sam']),
      country: pick(['DE', 'AT', 'CH', 'US', 'FR']),
      locale: pick(['de-DE', 'de-at', 'en-US', 'fr-FR']),
      plan: pick(['free', 'pro', 'team']),
      os: pick(['iOS', 'Android', 'Windows', 'macOS']),
      appVersion: pick(['2.1.0', '2.3.0', '2.3.1', '3.0.0-beta.1', '1.9.9']),
      tags: ['newsletter', 'beta', 'vip', 'early'].filter(() => next() < 0.4),
      orders: Array.from({ length: Math.floor(next() * 6) }, (_, i) => ({ id: i })),
      hobbies: [{ name: pick(['pingpong', 'tennis', 'chess']), level: Math.floor(next() * 4) }],
      score: Math.round(next() * 100) / 100,
      newsletter: next() < 0.5,
      company: { size: Math.floor(next() * 200), industry: pick(['retail', 'media', 'tech']) },
      address: { city: maybe(0.7, () => pick(['Berlin', 'Wien', 'Zürich'])), country: 'DE' },
      signupSource: pick(['ads', 'organic', 'affiliate', 'referral']),
    };
    const age = maybe(0.8, () => 16 + Math.floor(next() * 60));
    if (age !== undefined) attributes.age = age;
    const lifetimeValue = maybe(0.6, () => Math.round(next() * 500));
    if (lifetimeValue !== undefined) attributes.lifetimeValue = lifetimeValue;
    if (next() < 0.2) attributes.churned = true;
    profiles.push(attributes);
  }
  return profiles;
}

/** Runs `body` in batches until `budgetMs` has passed; evaluations per second. */
function measure(evaluationsPerBatch: number, budgetMs: number, body: () => number): number {
  let evaluations = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    sink += body();
    evaluations += evaluationsPerBatch;
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs);
  if (sink < 0) throw new Error('unreachable: keeps the results observable');
  return (evaluations / elapsed) * 1000;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export default async function run(): Promise<BenchResult[]> {
  const attributes = generateAttributes(PROFILE_COUNT);
  const facts: ProfileFacts[] = attributes.map((attrs, index) => ({
    id: index + 1,
    attributes: attrs,
    rollups: [],
    events: [],
  }));
  const savedGroups = { vip: attributes.filter((_, i) => i % 7 === 0).map((a) => a.id as number) };
  const env = { now: new Date(), retentionDays: 90 };
  const compiled = RULES.map((rule) => compileRule(rule));
  const perBatch = RULES.length * PROFILE_COUNT;

  // Same answers first: a fast evaluator that disagrees would be worthless.
  let matching = 0;
  for (let r = 0; r < RULES.length; r++) {
    for (let p = 0; p < PROFILE_COUNT; p++) {
      const ours = compiled[r](facts[p], env, savedGroups);
      if (ours !== evalCondition(attributes[p], RULES[r] as never, savedGroups)) {
        throw new Error(`disagreement on rule ${r}, profile ${p + 1}`);
      }
      if (ours) matching++;
    }
  }
  if (matching === 0) throw new Error('the benchmark rules match nobody');

  const ourRuns: number[] = [];
  const growthbookRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate so warm-up and machine noise hit both sides alike.
    growthbookRuns.push(
      measure(perBatch, ROUND_MS, () => {
        let hits = 0;
        for (const rule of RULES) {
          for (const attrs of attributes)
            if (evalCondition(attrs, rule as never, savedGroups)) hits++;
        }
        return hits;
      })
    );
    ourRuns.push(
      measure(perBatch, ROUND_MS, () => {
        let hits = 0;
        for (const evaluate of compiled) {
          for (const profile of facts) if (evaluate(profile, env, savedGroups)) hits++;
        }
        return hits;
      })
    );
  }

  const ours = median(ourRuns);
  const growthbook = median(growthbookRuns);
  return [
    {
      name: `rules: in-memory attribute evaluation (${RULES.length} rules × ${PROFILE_COUNT} profiles) vs GrowthBook evalCondition`,
      value: Math.round(ours),
      unit: 'evaluations/s',
      baseline: Math.round(growthbook),
      ratio: ours / growthbook,
      better: 'higher',
      target: 1.0,
    },
  ];
}

if (typeof require !== 'undefined' && require.main === module) {
  run().then(
    (results) => console.log(JSON.stringify(results, null, 2)),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    }
  );
}
