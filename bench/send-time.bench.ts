/**
 * Send-time optimisation (issue 8), functional core only: generated users with a known true
 * engaged hour on their own clock, in 12 time zones, and a noisy engagement history over 90 days —
 * sessions and clicks around the true hour (σ = 1 h), 25 % of signals at random hours, and a
 * daily newsletter whose opens are partly machine opens (mail proxies fetching the pixel seconds
 * after delivery). 10 % of users have too little data for an hour of their own.
 *
 * Measured: the share of sends within ±1 h of the true hour for an intelligent-timing campaign
 * (each user at their hour, within 24 h of the start) against the same campaign sent at one fixed
 * time (10:00 in the campaign's zone). Issue 8 asks for ≥ 70 % against ≤ 15 %. Seeded: the same
 * numbers every run.
 */
import {
  DEFAULT_SEND_TIME,
  addHistogram,
  emptyHistogram,
  engagementHistogram,
  fallbackHour,
  intelligentSendAt,
  personalHour,
  type EngagementSignal,
  type Histogram,
} from '../server/src/campaigns/send-time';
import { localParts, localTimeAfter, zonedToInstant } from '../server/src/campaigns/timing';
import type { BenchResult } from './types';

const USERS = Number(process.env.BENCH_SEND_TIME_USERS ?? 5000);
const ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Moscow', 'Asia/Kolkata', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'America/Sao_Paulo', 'America/New_York', 'America/Chicago', 'America/Los_Angeles'];
const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-01T00:00:00Z');
const START = NOW + 12 * HOUR;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface User {
  zone: string;
  trueHour: number;
  signals: EngagementSignal[];
}

function generate(seed: number): User[] {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const users: User[] = [];
  for (let u = 0; u < USERS; u++) {
    const zone = ZONES[Math.floor(rnd() * ZONES.length)];
    // Peaks of real audiences cluster in the day, but every hour occurs.
    const trueHour = rnd() < 0.8 ? 7 + Math.floor(rnd() * 16) : Math.floor(rnd() * 24);
    const thin = rnd() < 0.1;
    const count = thin ? Math.floor(rnd() * 4) : 6 + Math.floor(rnd() * 40);
    const signals: EngagementSignal[] = [];
    for (let i = 0; i < count; i++) {
      const daysAgo = 1 + Math.floor(rnd() * 89);
      const p = localParts(NOW - daysAgo * DAY, zone);
      const random = rnd() < 0.25;
      const hourFloat = random ? rnd() * 24 : trueHour + 0.5 + normal();
      const dayShift = Math.floor(hourFloat / 24);
      const h = ((hourFloat % 24) + 24) % 24;
      const at = zonedToInstant({ year: p.year, month: p.month, day: p.day + dayShift }, Math.floor(h), Math.floor((h % 1) * 60), zone);
      signals.push({ kind: rnd() < 0.2 ? 'click' : 'session', at });
    }
    // Daily newsletter at 06:00 UTC; a third of recipients sit behind a pixel-fetching proxy.
    const proxied = rnd() < 0.33;
    if (proxied) {
      for (let d = 1; d <= 60; d++) {
        const sentAt = NOW - d * DAY + 6 * HOUR;
        signals.push({ kind: 'open', at: sentAt + 1000 + Math.floor(rnd() * 20_000), sentAt, userAgent: rnd() < 0.5 ? 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)' : 'Mozilla/5.0' });
      }
    }
    users.push({ zone, trueHour, signals });
  }
  return users;
}

const within1h = (sendAt: number, user: User) => {
  const h = localParts(sendAt, user.zone).hour;
  const d = Math.abs(h - user.trueHour);
  return Math.min(d, 24 - d) <= 1;
};

function evaluate(users: User[], filterMachineOpens: boolean) {
  const settings = filterMachineOpens ? DEFAULT_SEND_TIME : { ...DEFAULT_SEND_TIME, machineOpenSeconds: 0 };
  const strip = (s: EngagementSignal): EngagementSignal => (filterMachineOpens ? s : { kind: s.kind, at: s.at });
  const audience = emptyHistogram();
  const own: Array<number | null> = [];
  const histograms: Histogram[] = users.map((u) => engagementHistogram(u.signals.map(strip), u.zone, NOW, settings));
  for (const h of histograms) {
    addHistogram(audience, h);
    own.push(personalHour(h, settings));
  }
  const fallback = fallbackHour(audience, settings);
  let hits = 0;
  users.forEach((u, i) => {
    if (within1h(intelligentSendAt(START, own[i] ?? fallback, u.zone, null), u)) hits += 1;
  });
  return { share: hits / users.length, personalised: own.filter((h) => h !== null).length / users.length };
}

export async function run(): Promise<BenchResult[]> {
  const users = generate(20261129);
  const fixedAt = localTimeAfter(START, '10:00', 'UTC');
  const fixed = users.filter((u) => within1h(fixedAt, u)).length / users.length;
  const started = performance.now();
  const smart = evaluate(users, true);
  const ms = performance.now() - started;
  const unfiltered = evaluate(users, false);
  process.stdout.write(
    `send-time: ${USERS} users, ${(smart.personalised * 100).toFixed(1)} % personalised; within ±1 h: intelligent ${(smart.share * 100).toFixed(1)} %, ` +
      `machine opens not filtered ${(unfiltered.share * 100).toFixed(1)} %, fixed 10:00 UTC ${(fixed * 100).toFixed(1)} %; planning ${(USERS / (ms / 1000)).toFixed(0)} users/s\n`
  );
  if (smart.share < 0.7) process.stdout.write(`send-time: MISSED — intelligent timing below 70 % (${(smart.share * 100).toFixed(1)} %)\n`);
  if (fixed > 0.15) process.stdout.write(`send-time: fixed-time send above 15 % (${(fixed * 100).toFixed(1)} %)\n`);
  return [
    {
      name: `sends within ±1 h of the true hour, intelligent timing vs one fixed time (${USERS} users)`,
      value: smart.share,
      unit: 'share',
      baseline: fixed,
      ratio: smart.share / fixed,
      better: 'higher',
      // 70 % against 15 %: the two bounds.
      target: 0.7 / 0.15,
    },
    {
      name: 'same, machine opens counted as engagement (ablation) vs filtered',
      value: unfiltered.share,
      unit: 'share',
      baseline: smart.share,
      ratio: unfiltered.share / smart.share,
      better: 'higher',
    },
  ];
}

export default run;
