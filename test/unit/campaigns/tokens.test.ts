import { createToken, deriveSecret, verifyToken } from '../../../server/src/campaigns/tokens';

const secret = deriveSecret(['keyA', 'keyB']);

describe('tracking tokens', () => {
  it('round-trips each kind', () => {
    expect(verifyToken(secret, createToken(secret, { kind: 'open', deliveryId: 7 }), 'open')).toEqual({ kind: 'open', deliveryId: 7 });
    const click = createToken(secret, { kind: 'click', deliveryId: 8, url: 'https://shop.example/a?b=1&c=2' });
    expect(verifyToken(secret, click, 'click')).toEqual({ kind: 'click', deliveryId: 8, url: 'https://shop.example/a?b=1&c=2' });
  });

  it('refuses a token of another kind, another secret, or altered', () => {
    const token = createToken(secret, { kind: 'click', deliveryId: 8, url: 'https://shop.example/' });
    expect(verifyToken(secret, token, 'open')).toBeNull();
    expect(verifyToken(deriveSecret(['other']), token, 'click')).toBeNull();
    const [data, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['c', '8', 'https://evil.example/'])).toString('base64url');
    expect(verifyToken(secret, `${forged}.${sig}`, 'click')).toBeNull();
    expect(verifyToken(secret, `${data}.${sig.slice(0, -2)}AA`, 'click')).toBeNull();
    expect(verifyToken(secret, `${data}`, 'click')).toBeNull();
    expect(verifyToken(secret, 42, 'click')).toBeNull();
  });

  it('never signs its way to a non-http destination', () => {
    const token = createToken(secret, { kind: 'click', deliveryId: 1, url: 'javascript:alert(1)' });
    expect(verifyToken(secret, token, 'click')).toBeNull();
  });

  it('derives a stable secret from the app keys', () => {
    expect(deriveSecret(['keyA', 'keyB'])).toBe(secret);
    expect(deriveSecret(['keyA'])).not.toBe(secret);
    expect(() => deriveSecret([])).toThrow(/app keys/);
  });
});
