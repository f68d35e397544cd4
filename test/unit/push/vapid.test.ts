import {
  generateVapidKeys,
  isVapidKeys,
  vapidAuthorization,
  vapidSubject,
} from '../../../server/src/push/vapid';
import { verifyVapid } from '../../integration/helpers/push-service';

const keys = generateVapidKeys();
const vapid = { subject: 'mailto:shop@example.com', ...keys };
const T = Date.parse('2026-12-01T12:00:00Z');

describe('VAPID authorization per push service', () => {
  it('signs a JWT the RFC 8292 check accepts: audience = the endpoint origin, 12 h expiry', () => {
    const header = vapidAuthorization(vapid, 'https://push.one.test/send/abc', T);
    const { claims, vapidKey } = verifyVapid(header, 'https://push.one.test', T);
    expect(vapidKey).toBe(keys.publicKey);
    expect(claims).toMatchObject({ aud: 'https://push.one.test', sub: 'mailto:shop@example.com' });
    expect(claims.exp).toBe(T / 1000 + 12 * 3600);
  });

  it('reuses the JWT for the same service until an hour before it expires, then signs anew', () => {
    const first = vapidAuthorization(vapid, 'https://push.two.test/a', T);
    expect(vapidAuthorization(vapid, 'https://push.two.test/b', T + 10 * 3_600_000)).toBe(first);
    const renewed = vapidAuthorization(vapid, 'https://push.two.test/c', T + 11 * 3_600_000 + 1000);
    expect(renewed).not.toBe(first);
    expect(
      verifyVapid(renewed, 'https://push.two.test', T + 11 * 3_600_000).claims.exp
    ).toBeGreaterThan(T / 1000 + 22 * 3600);
  });

  it('keeps one JWT per audience and per key pair', () => {
    const a = vapidAuthorization(vapid, 'https://push.three.test/x', T);
    const b = vapidAuthorization(vapid, 'https://push.four.test/x', T);
    expect(a).not.toBe(b);
    expect(verifyVapid(b, 'https://push.four.test', T).claims.aud).toBe('https://push.four.test');
    const other = { ...vapid, ...generateVapidKeys() };
    expect(
      verifyVapid(
        vapidAuthorization(other, 'https://push.three.test/x', T),
        'https://push.three.test',
        T
      ).vapidKey
    ).toBe(other.publicKey);
  });
});

describe('VAPID keys and subject', () => {
  it('accepts only key pairs web-push can sign with', () => {
    expect(isVapidKeys(keys)).toBe(true);
    expect(isVapidKeys({ ...keys, publicKey: keys.publicKey.slice(2) })).toBe(false);
    expect(isVapidKeys({ publicKey: keys.publicKey })).toBe(false);
  });

  it('falls back to mailto: the campaign sender', () => {
    expect(vapidSubject(undefined, 'Shop <news@shop.test>')).toBe('mailto:news@shop.test');
    expect(vapidSubject('https://shop.test/contact', 'x@y.z')).toBe('https://shop.test/contact');
  });
});
