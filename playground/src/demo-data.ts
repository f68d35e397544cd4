/**
 * The demo shop's generated data, as event objects in the shape of `POST /events` with
 * `anonymousId` (what the plugin's bulk importer reads). Deterministic: the same `asOf` day and
 * options give the same events, so a re-seed after an interrupted run recreates the same shop.
 *
 * - CDNOW purchases (playground/data/cdnow, real data; see its README): every date shifted by
 *   one offset so that the log's last day is the day before `asOf`.
 * - App users: daily-task habits of varying strength, one session per active day at a personal
 *   engaged hour (local time), demographics and a home city, some of them buyers, some new.
 */
import fs from 'fs';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface DemoEvent {
  anonymousId: string;
  name: string;
  timestamp: number;
  properties?: Record<string, unknown>;
}

export interface City {
  city: string;
  country: string;
  region: string;
  latitude: number;
  longitude: number;
  timezone: string;
  locale: string;
  /** Relative frequency among demo users. */
  weight: number;
}

/** Berlin and its surroundings are over-represented so "near Berlin" has members. */
export const CITIES: City[] = [
  { city: 'Berlin', country: 'DE', region: 'BE', latitude: 52.52, longitude: 13.405, timezone: 'Europe/Berlin', locale: 'de-DE', weight: 14 },
  { city: 'Potsdam', country: 'DE', region: 'BB', latitude: 52.3906, longitude: 13.0645, timezone: 'Europe/Berlin', locale: 'de-DE', weight: 4 },
  { city: 'Hamburg', country: 'DE', region: 'HH', latitude: 53.5511, longitude: 9.9937, timezone: 'Europe/Berlin', locale: 'de-DE', weight: 6 },
  { city: 'Munich', country: 'DE', region: 'BY', latitude: 48.1351, longitude: 11.582, timezone: 'Europe/Berlin', locale: 'de-DE', weight: 6 },
  { city: 'Paris', country: 'FR', region: 'IDF', latitude: 48.8566, longitude: 2.3522, timezone: 'Europe/Paris', locale: 'fr-FR', weight: 9 },
  { city: 'London', country: 'GB', region: 'ENG', latitude: 51.5072, longitude: -0.1276, timezone: 'Europe/London', locale: 'en-GB', weight: 10 },
  { city: 'Amsterdam', country: 'NL', region: 'NH', latitude: 52.3676, longitude: 4.9041, timezone: 'Europe/Amsterdam', locale: 'nl-NL', weight: 5 },
  { city: 'Warsaw', country: 'PL', region: 'MZ', latitude: 52.2297, longitude: 21.0122, timezone: 'Europe/Warsaw', locale: 'pl-PL', weight: 5 },
  { city: 'Madrid', country: 'ES', region: 'MD', latitude: 40.4168, longitude: -3.7038, timezone: 'Europe/Madrid', locale: 'es-ES', weight: 6 },
  { city: 'New York', country: 'US', region: 'NY', latitude: 40.7128, longitude: -74.006, timezone: 'America/New_York', locale: 'en-US', weight: 12 },
  { city: 'San Francisco', country: 'US', region: 'CA', latitude: 37.7749, longitude: -122.4194, timezone: 'America/Los_Angeles', locale: 'en-US', weight: 7 },
  { city: 'São Paulo', country: 'BR', region: 'SP', latitude: -23.5505, longitude: -46.6333, timezone: 'America/Sao_Paulo', locale: 'pt-BR', weight: 6 },
  { city: 'Tokyo', country: 'JP', region: '13', latitude: 35.6762, longitude: 139.6503, timezone: 'Asia/Tokyo', locale: 'ja-JP', weight: 6 },
  { city: 'Sydney', country: 'AU', region: 'NSW', latitude: -33.8688, longitude: 151.2093, timezone: 'Australia/Sydney', locale: 'en-AU', weight: 4 },
];

const FIRST_NAMES = ['Ada', 'Ben', 'Chloé', 'Dario', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kai', 'Lena', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tara', 'Yuki'];
const PLANS = ['free', 'free', 'free', 'plus', 'plus', 'pro'];

/** mulberry32: a small seeded PRNG, so the demo is the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset (ms) of a time zone at an instant, from Intl (DST-aware). */
function zoneOffsetMs(timeZone: string, at: number): number {
  // One formatter per zone: constructing them dominates otherwise (~50,000 calls).
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return local - Math.floor(at / 60_000) * 60_000;
}

export interface AppUser {
  anonymousId: string;
  traits: Record<string, unknown>;
  events: DemoEvent[];
}

export interface AppUserOptions {
  count: number;
  /** Start of the day (UTC, epoch ms) the data is "as of"; events are before `now`. */
  asOfDay: number;
  now: number;
  /** Days of app history for established users. */
  historyDays?: number;
}

export const appUserId = (i: number) => `demo-user-${String(i + 1).padStart(4, '0')}`;

/** ~2,000 app users: habits, sessions at a personal hour, demographics, some buyers. */
export function generateAppUsers({ count, asOfDay, now, historyDays = 45 }: AppUserOptions): AppUser[] {
  const random = prng(20_261_129);
  const totalWeight = CITIES.reduce((sum, c) => sum + c.weight, 0);
  const pickCity = () => {
    let r = random() * totalWeight;
    for (const c of CITIES) {
      r -= c.weight;
      if (r < 0) return c;
    }
    return CITIES[0];
  };
  const users: AppUser[] = [];
  for (let i = 0; i < count; i += 1) {
    const anonymousId = appUserId(i);
    const city = pickCity();
    // ~7% joined this week; the rest 8–historyDays days ago.
    const isNew = random() < 0.07;
    const ageDays = isNew ? 1 + Math.floor(random() * 6) : 8 + Math.floor(random() * (historyDays - 8));
    // Habit strength: a skewed mix, so a minority completes tasks nearly every day.
    const habit = random() < 0.25 ? 0.75 + random() * 0.25 : random() * 0.6;
    const engagedHour = [7, 8, 12, 13, 18, 19, 20, 21, 22][Math.floor(random() * 9)];
    const firstName = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)];
    const events: DemoEvent[] = [];
    const localAt = (day: number, hour: number, minute: number) => {
      const guess = day + hour * HOUR_MS + minute * 60_000;
      return guess - zoneOffsetMs(city.timezone, guess);
    };
    const signupDay = asOfDay - ageDays * DAY_MS;
    // West of UTC a late local hour of yesterday can be later than now.
    const signupAt = Math.min(now - 3_600_000, localAt(signupDay, engagedHour, Math.floor(random() * 50)));
    events.push({ anonymousId, name: 'signup', timestamp: signupAt, properties: { source: random() < 0.5 ? 'ads' : 'organic' } });
    const buyer = random() < 0.3;
    for (let d = ageDays; d >= 0; d -= 1) {
      const day = asOfDay - d * DAY_MS;
      if (d !== ageDays && random() >= habit) continue;
      // The session falls within an hour of the user's engaged hour, local time.
      const hour = Math.min(23, Math.max(0, engagedHour + (random() < 0.7 ? 0 : random() < 0.5 ? -1 : 1)));
      const at = Math.max(signupAt, localAt(day, hour, Math.floor(random() * 60)));
      if (at >= now) continue;
      events.push({ anonymousId, name: 'session_start', timestamp: at, properties: { platform: random() < 0.7 ? 'ios' : 'android' } });
      events.push({ anonymousId, name: 'task_done', timestamp: Math.min(now - 1, at + 60_000 + Math.floor(random() * 600_000)), properties: { kind: random() < 0.5 ? 'workout' : 'reading' } });
      if (buyer && random() < 0.12) {
        events.push({
          anonymousId,
          name: 'purchase',
          timestamp: Math.min(now - 1, at + 900_000),
          properties: { value: Math.round((8 + random() * 110) * 100) / 100, items: 1 + Math.floor(random() * 3) },
        });
      }
    }
    users.push({
      anonymousId,
      events,
      traits: {
        first_name: firstName,
        email: `${anonymousId}@shop.test`,
        emailConsent: random() < 0.9,
        age: 18 + Math.floor(random() * 52),
        gender: random() < 0.48 ? 'female' : random() < 0.92 ? 'male' : 'diverse',
        plan: PLANS[Math.floor(random() * PLANS.length)],
        habit: Math.round(habit * 100) / 100,
        engagedHour,
        city: city.city,
        country: city.country,
        region: city.region,
        latitude: Math.round((city.latitude + (random() - 0.5) * 0.1) * 1e4) / 1e4,
        longitude: Math.round((city.longitude + (random() - 0.5) * 0.1) * 1e4) / 1e4,
        timezone: city.timezone,
        locale: city.locale,
      },
    });
  }
  return users;
}

export interface CdnowPurchase {
  customer: string;
  day: number;
  cds: number;
  dollars: number;
}

/** The CDNOW log (`customer_id YYYYMMDD cds dollars`, one header line). */
export function readCdnow(file: string, maxCustomers = Infinity): CdnowPurchase[] {
  const purchases: CdnowPurchase[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i].trim();
    if (!line) continue;
    const [customer, date, cds, dollars] = line.split(/\s+/);
    if (Number(customer) > maxCustomers) continue;
    purchases.push({
      customer,
      day: Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
      cds: Number(cds),
      dollars: Number(dollars),
    });
  }
  return purchases;
}

/** CDNOW purchases as events, shifted so the log's last day is the day before `asOfDay`. */
export function cdnowEvents(purchases: CdnowPurchase[], asOfDay: number): DemoEvent[] {
  const lastDay = purchases.reduce((max, p) => Math.max(max, p.day), 0);
  const shift = asOfDay - DAY_MS - lastDay;
  // Spread purchases over the day deterministically (the log has dates only).
  return purchases.map((p, i) => ({
    anonymousId: `cdnow-${p.customer}`,
    name: 'purchase',
    timestamp: p.day + shift + (9 * HOUR_MS + ((i * 7_919) % (12 * HOUR_MS))),
    properties: { value: p.dollars, cds: p.cds },
  }));
}
