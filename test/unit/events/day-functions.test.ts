import { dayInTimeZone, utcDay } from '../../../server/src/utils/days';

/**
 * The day functions remember their answers per slot (a UTC day; a quarter hour for other
 * zones). Checked against a fresh computation for instants in random order across two years
 * of DST transitions, in zones with half- and quarter-hour offsets.
 */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const FROM = Date.UTC(2025, 0, 1);
const SPAN = 2 * 365 * 86_400_000;

describe('day functions', () => {
  it('utcDay answers what the ISO string says, before and after an answer is remembered', () => {
    const next = random(11);
    const wrong: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const at = FROM + Math.floor(next() * SPAN);
      if (utcDay(at) !== new Date(at).toISOString().slice(0, 10)) wrong.push(at);
    }
    expect(wrong).toEqual([]);
    expect(utcDay(Date.UTC(2026, 10, 28, 23, 59, 59, 999))).toBe('2026-11-28');
    expect(utcDay(Date.UTC(2026, 10, 29))).toBe('2026-11-29');
  });

  for (const zone of ['Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Los_Angeles']) {
    it(`dayInTimeZone(${zone}) equals Intl's answer for every instant`, () => {
      const dayOf = dayInTimeZone(zone);
      const fresh = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      const next = random(zone.length);
      const wrong: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        // Cluster half the instants within a minute of a quarter hour: the slot edges.
        const base = FROM + Math.floor(next() * SPAN);
        const at = i % 2 ? base : Math.floor(base / 900_000) * 900_000 + Math.floor((next() - 0.5) * 60_000);
        if (dayOf(at) !== fresh.format(at)) wrong.push(at);
      }
      expect(wrong).toEqual([]);
    });
  }
});
