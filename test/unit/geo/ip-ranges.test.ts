import { Readable } from 'stream';
import zlib from 'zlib';
import {
  IpRangeTableBuilder,
  geoOfDbIpRow,
  loadDbIpCsv,
  parseCsvLine,
  parseIp,
} from '../../../server/src/geo/ip-ranges';
import { enrichContext } from '../../../server/src/events/context';

describe('parseIp', () => {
  it('reads IPv4 as an unsigned number and refuses malformed addresses', () => {
    expect(parseIp('0.0.0.0')).toEqual({ v: 4, n: 0 });
    expect(parseIp('255.255.255.255')).toEqual({ v: 4, n: 4294967295 });
    expect(parseIp('10.1.2.3')).toEqual({ v: 4, n: 10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 256 + 3 });
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', undefined, null, 'localhost']) {
      expect(parseIp(bad)).toBeNull();
    }
  });

  it('expands IPv6 shorthand to 32 hex digits and maps ::ffff:a.b.c.d to IPv4', () => {
    expect(parseIp('2001:db8::1')).toEqual({ v: 6, hex: '20010db8000000000000000000000001' });
    expect(parseIp('::')).toEqual({ v: 6, hex: '0'.repeat(32) });
    expect(parseIp('[2001:DB8:0:0:0:0:0:2]')).toEqual({ v: 6, hex: '20010db8000000000000000000000002' });
    expect(parseIp('fe80::1%eth0')).toEqual({ v: 6, hex: 'fe800000000000000000000000000001' });
    expect(parseIp('::ffff:127.0.0.1')).toEqual({ v: 4, n: 2130706433 });
    expect(parseIp('::ffff:7f00:1')).toEqual({ v: 4, n: 2130706433 });
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7']) {
      expect(parseIp(bad)).toBeNull();
    }
  });
});

describe('an IP range table', () => {
  const berlin = { country: 'DE', region: 'Berlin', city: 'Berlin', latitude: 52.52, longitude: 13.405 };
  const paris = { country: 'FR', city: 'Paris' };
  const build = () => {
    const builder = new IpRangeTableBuilder();
    // Added out of order: the table sorts.
    expect(builder.add('10.0.1.0', '10.0.1.255', paris)).toBe(true);
    expect(builder.add('10.0.0.0', '10.0.0.255', berlin)).toBe(true);
    expect(builder.add('2001:db8::', '2001:db8::ffff', berlin)).toBe(true);
    expect(builder.add('10.0.3.0', '10.0.2.0', paris)).toBe(false); // reversed
    expect(builder.add('10.0.3.0', '2001:db8::', paris)).toBe(false); // mixed families
    return builder.build();
  };

  it('finds the range holding an address, inclusive at both ends, and nothing in the gaps', () => {
    const table = build();
    expect(table.size).toBe(3);
    expect(table.lookup('10.0.0.0')).toEqual(berlin);
    expect(table.lookup('10.0.0.255')).toEqual(berlin);
    expect(table.lookup('10.0.1.0')).toEqual(paris);
    expect(table.lookup('::ffff:10.0.1.7')).toEqual(paris);
    expect(table.lookup('10.0.2.0')).toBeUndefined();
    expect(table.lookup('9.255.255.255')).toBeUndefined();
    expect(table.lookup('2001:db8::abcd')).toEqual(berlin);
    expect(table.lookup('2001:db8::1:0')).toBeUndefined();
    expect(table.lookup('not an ip')).toBeUndefined();
    expect(table.lookup(undefined)).toBeUndefined();
  });

  it('agrees with a linear scan on random addresses', () => {
    const builder = new IpRangeTableBuilder();
    const ranges: Array<[number, number, string]> = [];
    let at = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    while (at < 2 ** 32 - 1 && ranges.length < 500) {
      const start = at + Math.floor(random() * 2 ** 22);
      const end = Math.min(2 ** 32 - 1, start + Math.floor(random() * 2 ** 22));
      const country = String.fromCharCode(65 + (ranges.length % 26), 65 + ((ranges.length / 26) | 0) % 26);
      ranges.push([start, end, country]);
      const ip = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      builder.add(ip(start), ip(end), { country });
      at = end + 1;
    }
    const table = builder.build();
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(random() * 2 ** 32);
      const expected = ranges.find(([s, e]) => s <= n && n <= e)?.[2];
      const address = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      expect(table.lookup(address)?.country).toBe(expected);
    }
  });
});

describe('DB-IP CSV', () => {
  it('parses quoted fields with commas and doubled quotes', () => {
    expect(parseCsvLine('1.0.0.0,1.0.0.255,OC,AU,"Queensland, ""QLD""",South Brisbane,-27.4748,153.017')).toEqual([
      '1.0.0.0',
      '1.0.0.255',
      'OC',
      'AU',
      'Queensland, "QLD"',
      'South Brisbane',
      '-27.4748',
      '153.017',
    ]);
  });

  it('reads city and country rows; unknown countries and bad coordinates locate nothing extra', () => {
    expect(geoOfDbIpRow(['1.0.0.0', '1.0.0.255', 'OC', 'AU', 'Queensland', 'South Brisbane', '-27.47', '153.01'])).toEqual({
      country: 'AU',
      region: 'Queensland',
      city: 'South Brisbane',
      latitude: -27.47,
      longitude: 153.01,
    });
    expect(geoOfDbIpRow(['1.0.0.0', '1.0.0.255', 'au'])).toEqual({ country: 'AU' });
    expect(geoOfDbIpRow(['1.0.0.0', '1.0.0.255', 'ZZ'])).toBeNull();
    expect(geoOfDbIpRow(['ip_start', 'ip_end', 'country'])).toBeNull();
    expect(geoOfDbIpRow(['1.0.0.0', '1.0.0.255', 'EU', 'DE', '', '', '95', '10'])).toEqual({ country: 'DE' });
  });

  it('streams a gzip-compressed file into a table and counts skipped rows', async () => {
    const csv = [
      '1.0.0.0,1.0.0.255,OC,AU,Queensland,South Brisbane,-27.4748,153.017',
      '1.0.1.0,1.0.3.255,AS,CN,Fujian,Wenzhou,26.0614,119.306',
      '1.0.4.0,1.0.4.255,ZZ,ZZ,,,,',
      '',
      '2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,EU,IE,Leinster,Dublin,53.3498,-6.26031',
    ].join('\r\n');
    const report = await loadDbIpCsv(Readable.from([zlib.gzipSync(csv)]), { gzip: true });
    expect(report.rows).toBe(3);
    expect(report.skipped).toBe(1);
    expect(report.table.lookup('1.0.2.9')?.city).toBe('Wenzhou');
    expect(report.table.lookup('2a00:1450:4001::5')?.country).toBe('IE');
    expect(report.table.lookup('1.0.4.1')).toBeUndefined();
  });
});

describe('context enrichment with a GeoIP answer', () => {
  const ipGeo = { country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.405 };
  it('uses the database only when no CDN header names a country', () => {
    const none = () => undefined;
    expect(enrichContext(none, {}, ipGeo).geo).toEqual(ipGeo);
    const cdn = (name: string) => (name === 'cf-ipcountry' ? 'FR' : undefined);
    expect(enrichContext(cdn, {}, ipGeo).geo).toEqual({ country: 'FR' });
    expect(enrichContext(none, {}).geo).toEqual({});
  });
});
