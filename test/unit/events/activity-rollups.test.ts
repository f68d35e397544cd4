import { activitySeries, checkActivityRange } from '../../../server/src/analytics/activity';
import { aggregate } from '../../../server/src/events/rollups';
import { dayInTimeZone } from '../../../server/src/utils/days';
import { retentionCutoffs } from '../../../server/src/retention/purge';
import { traitsFromUser, validateIdentify } from '../../../server/src/profiles/traits';

describe('aggregate', () => {
  it('counts and sums per profile × event × UTC day, and tracks first/last seen', () => {
    const t = Date.UTC(2026, 0, 1, 23, 59);
    const result = aggregate([
      { profileId: 1, name: 'buy', occurredAt: t, value: 2 },
      { profileId: 1, name: 'buy', occurredAt: t + 60_000, value: null },
      { profileId: 1, name: 'buy', occurredAt: t + 30_000, value: 3 },
    ]);
    expect(result.rollups).toEqual([
      { profileId: 1, event: 'buy', day: '2026-01-01', count: 2, valueSum: 5 },
      { profileId: 1, event: 'buy', day: '2026-01-02', count: 1, valueSum: 0 },
    ]);
    expect(result.activity).toHaveLength(2);
    expect(result.lastSeen.get(1)).toBe(t + 60_000);
    expect(result.firstSeen.get(1)).toBe(t);
  });

  it('puts activity on the reporting zone calendar (across DST) and rollups on UTC days', () => {
    // 02:30 UTC is the previous evening in New York, in winter (UTC-5) and summer (UTC-4).
    const winter = Date.UTC(2026, 0, 15, 2, 30);
    const summer = Date.UTC(2026, 6, 15, 3, 30);
    const kolkata = Date.UTC(2026, 0, 15, 19, 0); // 00:30 next day at UTC+5:30
    const ny = aggregate(
      [
        { profileId: 1, name: 'x', occurredAt: winter, value: null },
        { profileId: 1, name: 'x', occurredAt: summer, value: null },
      ],
      dayInTimeZone('America/New_York'),
    );
    expect(ny.activity.map((a) => a.day)).toEqual(['2026-01-14', '2026-07-14']);
    expect(ny.rollups.map((r) => r.day)).toEqual(['2026-01-15', '2026-07-15']);
    const india = aggregate([{ profileId: 2, name: 'x', occurredAt: kolkata, value: null }], dayInTimeZone('Asia/Kolkata'));
    expect(india.activity).toEqual([{ profileId: 2, day: '2026-01-16' }]);
    expect(dayInTimeZone('UTC')(kolkata)).toBe('2026-01-15');
  });
});

describe('activitySeries', () => {
  it('counts a profile once per window even when it is active every day', () => {
    const rows = ['2026-01-01', '2026-01-02', '2026-01-03'].map((day) => ({ profileId: 7, day }));
    const series = activitySeries(rows, '2026-01-01', '2026-01-10');
    expect(series.map((d) => d.wau)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(series.map((d) => d.mau)).toEqual(new Array(10).fill(1));
    expect(series.map((d) => d.dau)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('agrees with a brute-force count on random data', () => {
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const rows: { profileId: number; day: string }[] = [];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let p = 1; p <= 30; p += 1) for (const day of days) if (rnd() < 0.15) rows.push({ profileId: p, day });
    const series = activitySeries(rows, days[30], days[59]);
    const distinct = (from: number, to: number) =>
      new Set(rows.filter((r) => r.day >= days[Math.max(from, 0)] && r.day <= days[to]).map((r) => r.profileId)).size;
    series.forEach((d, i) => {
      const at = 30 + i;
      expect([d.dau, d.wau, d.mau]).toEqual([distinct(at, at), distinct(at - 6, at), distinct(at - 29, at)]);
    });
  });

  it('validates the range', () => {
    expect(checkActivityRange('2026-02-30', '2026-03-01')[0].path).toBe('from');
    expect(checkActivityRange('2025-01-01', '2026-03-01')[0].path).toBe('to');
    expect(checkActivityRange('2026-01-01', '2026-01-01')).toEqual([]);
  });
});

describe('retention cutoffs', () => {
  it('keeps the cutoff day of rollups', () => {
    const now = Date.UTC(2026, 10, 28, 12);
    expect(retentionCutoffs(now, { rawEventsDays: 90, rollupDays: 730 })).toEqual({
      eventsBefore: now - 90 * 86_400_000,
      daysBefore: '2024-11-28',
      transitionsBefore: now - 730 * 86_400_000,
    });
  });
});

describe('identify traits', () => {
  it('splits promoted traits into columns', () => {
    expect(validateIdentify({ traits: { plan: 'pro', country: 'de', latitude: 1 } }, { isApiToken: false })).toEqual({
      ok: true,
      input: { traits: { plan: 'pro' }, columns: { country: 'DE', latitude: 1 } },
    });
  });

  it('never copies secrets from a users-permissions user, whatever the allow-list says', () => {
    const user = { email: 'A@B.C', username: 'ann', password: 'x', resetPasswordToken: 'y', role: { id: 1 } };
    expect(traitsFromUser(user, ['email', 'username', 'password', 'resetPasswordToken', 'role'])).toEqual({
      traits: { username: 'ann' },
      columns: { email: 'a@b.c' },
    });
  });
});
