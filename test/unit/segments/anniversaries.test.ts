import fc from 'fast-check';
import { compileRule } from '../../../server/src/rules';
import {
  anniversaryMoment,
  localMidnight,
  nextFlipDay,
} from '../../../server/src/segments/anniversaries';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('local midnights', () => {
  it('finds the first instant of a local day, with DST and half-hour offsets', () => {
    expect(new Date(localMidnight(day('2026-06-01'), 'UTC')).toISOString()).toBe(
      '2026-06-01T00:00:00.000Z'
    );
    // Berlin switches to summer time at 02:00 on 2026-03-29: that day starts at UTC+1.
    expect(new Date(localMidnight(day('2026-03-29'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z'
    );
    expect(new Date(localMidnight(day('2026-03-30'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z'
    );
    expect(new Date(localMidnight(day('2026-06-01'), 'Asia/Kolkata')).toISOString()).toBe(
      '2026-05-31T18:30:00.000Z'
    );
    expect(new Date(localMidnight(day('2026-06-01'), 'Pacific/Kiritimati')).toISOString()).toBe(
      '2026-05-31T10:00:00.000Z'
    );
  });
});

describe('nextFlipDay', () => {
  const today = (y: number, m: number, d: number) => ({ year: y, month: m, day: d });
  it('enters N days before the anniversary and leaves the day after it', () => {
    expect(nextFlipDay({ month: 12, day: 25 }, 7, today(2026, 12, 7))).toBe(day('2026-12-18'));
    expect(nextFlipDay({ month: 12, day: 25 }, 7, today(2026, 12, 20))).toBe(day('2026-12-26'));
    expect(nextFlipDay({ month: 12, day: 25 }, 7, today(2026, 12, 26))).toBe(day('2027-12-18'));
    expect(nextFlipDay({ month: 1, day: 2 }, 7, today(2026, 12, 20))).toBe(day('2026-12-26'));
    // Feb 29 has its anniversary on Feb 28 in common years.
    expect(nextFlipDay({ month: 2, day: 29 }, 0, today(2027, 2, 1))).toBe(day('2027-02-28'));
    expect(nextFlipDay({ month: 2, day: 29 }, 0, today(2027, 2, 28))).toBe(day('2027-03-01'));
  });
});

describe('anniversaryMoment agrees with the evaluator', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
  it('the answer holds until the moment and changes at it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2027-12-31') }),
        (month, dayOfMonth, days, zone, now) => {
          const birthday = `1990-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
          const matches = compileRule({
            $date: { attribute: 'birthday', anniversaryWithin: { days } },
          });
          const facts = {
            id: 1,
            attributes: { birthday, timezone: zone },
            rollups: [],
            events: [],
          };
          const answer = (t: number) => matches(facts, { now: new Date(t), retentionDays: 90 });
          const at = anniversaryMoment(birthday, days, zone, now) as number;
          expect(at).toBeGreaterThan(now);
          expect(answer(at - 1000)).toBe(answer(now));
          expect(answer(at)).toBe(!answer(now));
        }
      ),
      { numRuns: 300 }
    );
  });
});
