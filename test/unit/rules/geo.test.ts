import { type Rule, compileRule, haversineKm } from '../../../server/src/rules';
import { envAt, profile } from './helpers';

const env = envAt('2024-06-15T12:00:00Z');
const near = (lat: number, lng: number, radiusKm: number) => ({
  $geo: { near: { lat, lng }, radiusKm },
});
const at = (latitude: unknown, longitude: unknown) =>
  profile({ attributes: { latitude, longitude } });
const matches = (rule: Rule, facts = profile()) => compileRule(rule)(facts, env);

describe('haversineKm', () => {
  it('measures known distances', () => {
    expect(haversineKm(52.52, 13.405, 48.8566, 2.3522)).toBeCloseTo(878, -1); // Berlin–Paris
    expect(haversineKm(0, 0, 0, 1)).toBeCloseTo(111.19, 1);
  });

  it('is short across the antimeridian', () => {
    expect(haversineKm(0, 179.9, 0, -179.9)).toBeCloseTo(22.24, 1);
    expect(haversineKm(10, -180, 10, 180)).toBeCloseTo(0, 6);
  });

  it('treats every longitude at a pole as the same point', () => {
    expect(haversineKm(90, 0, 90, -170)).toBeCloseTo(0, 6);
    expect(haversineKm(-90, 45, -89.95, -120)).toBeCloseTo(5.56, 1);
  });

  it('stays finite for antipodes', () => {
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371.0088, 3);
    expect(haversineKm(45, 10, -45, -170)).toBeCloseTo(Math.PI * 6371.0088, 3);
  });
});

describe('$geo', () => {
  it('matches within the radius, inclusive', () => {
    const potsdam = at(52.3906, 13.0645);
    expect(matches(near(52.52, 13.405, 50), potsdam)).toBe(true);
    expect(matches(near(52.52, 13.405, 20), potsdam)).toBe(false);
    const distance = haversineKm(52.52, 13.405, 52.3906, 13.0645);
    expect(matches(near(52.52, 13.405, distance), potsdam)).toBe(true);
  });

  it('works across the antimeridian in both directions', () => {
    expect(matches(near(0, 179.9, 25), at(0, -179.9))).toBe(true);
    expect(matches(near(0, -179.9, 25), at(0, 179.9))).toBe(true);
    expect(matches(near(0, 179.9, 20), at(0, -179.9))).toBe(false);
  });

  it('works at the poles', () => {
    expect(matches(near(90, 0, 12), at(89.9, 135))).toBe(true);
    expect(matches(near(90, 0, 10), at(89.9, 135))).toBe(false);
    expect(matches(near(-90, 0, 1), at(-90, 77))).toBe(true);
  });

  it('never matches a profile without usable coordinates, whatever the radius', () => {
    const everywhere = near(0, 0, 20_100);
    expect(matches(everywhere, at(10, 10))).toBe(true);
    for (const facts of [
      profile(),
      at(null, null),
      at('52.5', '13.4'),
      at(91, 0),
      at(0, 181),
      at(Number.NaN, 0),
    ]) {
      expect(matches(everywhere, facts)).toBe(false);
    }
  });

  it('composes with country, region and city, which are plain attributes', () => {
    const facts = profile({
      attributes: { latitude: 52.5, longitude: 13.4, country: 'DE', city: 'Berlin' },
    });
    expect(
      matches(
        { country: 'DE', city: { $in: ['Berlin', 'Hamburg'] }, ...near(52.52, 13.405, 5) },
        facts
      )
    ).toBe(true);
  });
});
