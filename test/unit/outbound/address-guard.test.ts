import dns from 'dns';
import {
  connectProblem,
  isAllowedHost,
  urlProblem,
} from '../../../server/src/outbound/address-guard';
import { guardedLookup, retryAfterMs } from '../../../server/src/outbound/http-client';

const none = { allowedHosts: [] };

describe('outbound address guard', () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://127.8.9.10/hook',
    'https://10.0.0.1/hook',
    'https://10.255.255.255/hook',
    'https://172.16.0.1/hook',
    'https://192.168.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fe80::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[::ffff:7f00:1]/hook',
    'https://224.0.0.1/hook',
    'https://localhost/hook',
    'https://api.localhost/hook',
  ])('refuses %s without an allowance', (url) => {
    expect(urlProblem(none, url)).toMatch(
      /loopback|private|linkLocal|uniqueLocal|carrierGradeNat|unspecified|multicast|reserved/
    );
  });

  it('refuses plain http, other schemes and credentials; accepts public https', () => {
    expect(urlProblem(none, 'http://crm.example/hook')).toMatch(/must be https/);
    expect(urlProblem(none, 'ftp://crm.example/x')).toMatch(/must be an https URL/);
    expect(urlProblem(none, 'not a url')).toMatch(/absolute URL/);
    expect(urlProblem(none, 'https://u:p@crm.example/x')).toMatch(/credentials/);
    expect(urlProblem(none, 'https://crm.example/hook')).toBeNull();
    expect(urlProblem(none, 'https://8.8.8.8/hook')).toBeNull();
  });

  it('lets listed names, addresses and CIDR ranges through, also over http', () => {
    const policy = { allowedHosts: ['127.0.0.1', 'crm.internal', '10.1.0.0/16', '::1'] };
    expect(urlProblem(policy, 'http://127.0.0.1:8080/x')).toBeNull();
    expect(urlProblem(policy, 'http://crm.internal/x')).toBeNull();
    expect(urlProblem(policy, 'https://10.1.200.3/x')).toBeNull();
    expect(urlProblem(policy, 'https://[::1]/x')).toBeNull();
    expect(urlProblem(policy, 'https://10.2.0.1/x')).toMatch(/private/);
    expect(urlProblem(policy, 'https://127.0.0.2/x')).toMatch(/loopback/);
    expect(isAllowedHost(policy, 'elsewhere.example', '10.1.3.4')).toBe(true);
    expect(connectProblem(policy, 'elsewhere.example', '10.9.3.4')).toMatch(
      /resolves to 10\.9\.3\.4 is a private address/
    );
  });

  it('checks every resolved address at connect time (DNS pointing inside)', (done) => {
    const fake = (answers: string[]) =>
      ((
        _h: string,
        _o: dns.LookupAllOptions,
        cb: (e: NodeJS.ErrnoException | null, a: dns.LookupAddress[]) => void
      ) =>
        cb(
          null,
          answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
        )) as never;
    const rebind = guardedLookup(none, fake(['93.184.216.34', '10.0.0.7']));
    rebind('rebind.example', {}, (error) => {
      expect(error?.message).toMatch(
        /rebind\.example resolves to 10\.0\.0\.7 is a private address/
      );
      const fine = guardedLookup(none, fake(['93.184.216.34']));
      fine('shop.example', {}, (e2, address, family) => {
        expect(e2).toBeNull();
        expect([address, family]).toEqual(['93.184.216.34', 4]);
        done();
      });
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
