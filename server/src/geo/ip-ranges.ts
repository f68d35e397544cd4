import readline from 'readline';
import zlib from 'zlib';
import type { Readable } from 'stream';
import type { Geo } from './types';

/**
 * An IP-range geolocation table (the optional GeoIP database of DESIGN §7): used for visitors
 * whose request carries no CDN geo headers. Built from a DB-IP "IP to City Lite" or "IP to
 * Country Lite" CSV (free, CC BY 4.0). IPv4 ranges live in typed arrays (a few million rows stay
 * compact); IPv6 ranges as fixed-width hex strings, compared as text. Lookups binary-search.
 */

/** An address as a comparable key: IPv4 as an unsigned 32-bit number, IPv6 as 32 hex digits. */
export type IpKey = { v: 4; n: number } | { v: 6; hex: string };

/** Dotted quad → unsigned 32-bit number (hand-rolled: the loader calls it millions of times). */
function parseV4(text: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + octet;
}

function parseV6(text: string): string | null {
  let body = text;
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  // A trailing dotted quad (::ffff:1.2.3.4) is two groups.
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === null) return null;
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return all.map((g) => g.toLowerCase().padStart(4, '0')).join('');
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. */
export function parseIp(text: string | undefined | null): IpKey | null {
  if (!text) return null;
  let trimmed = text.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) trimmed = trimmed.slice(1, -1);
  const v4 = parseV4(trimmed);
  if (v4 !== null) return { v: 4, n: v4 };
  if (!trimmed.includes(':')) return null;
  const hex = parseV6(trimmed);
  if (hex === null) return null;
  if (hex.startsWith('00000000000000000000ffff')) return { v: 4, n: parseInt(hex.slice(24), 16) };
  return { v: 6, hex };
}

export interface IpRangeTable {
  lookup(ip: string | undefined | null): Geo | undefined;
  readonly size: number;
}

/** Collects ranges (any order), then freezes them into a searchable table. */
export class IpRangeTableBuilder {
  // Flat growable arrays, not one tuple per range: millions of small arrays cost ~10× the memory.
  private readonly v4Starts: number[] = [];
  private readonly v4Ends: number[] = [];
  private readonly v4Geos: number[] = [];
  private readonly v6: Array<[string, string, number]> = [];
  private readonly geos: Geo[] = [];
  private readonly geoIndex = new Map<string, number>();

  /**
   * False when the bounds are not addresses of one family in order (the row is skipped).
   * `geoKey` identifies equal locations (rows of one city share one object); default: the JSON.
   */
  add(start: string, end: string, geo: Geo | (() => Geo), geoKey?: string): boolean {
    const a = parseIp(start);
    const b = parseIp(end);
    if (!a || !b || a.v !== b.v) return false;
    if (a.v === 4 && b.v === 4 ? a.n > b.n : (a as { hex: string }).hex > (b as { hex: string }).hex) return false;
    const key = geoKey ?? JSON.stringify(typeof geo === 'function' ? geo() : geo);
    let index = this.geoIndex.get(key);
    if (index === undefined) {
      index = this.geos.push(typeof geo === 'function' ? geo() : geo) - 1;
      this.geoIndex.set(key, index);
    }
    if (a.v === 4 && b.v === 4) {
      this.v4Starts.push(a.n);
      this.v4Ends.push(b.n);
      this.v4Geos.push(index);
    } else if (a.v === 6 && b.v === 6) {
      this.v6.push([a.hex, b.hex, index]);
    }
    return true;
  }

  build(): IpRangeTable {
    const count = this.v4Starts.length;
    // DB-IP files come sorted; sort a permutation only when they are not.
    let order: Uint32Array | null = null;
    for (let i = 1; i < count; i++) {
      if (this.v4Starts[i - 1] > this.v4Starts[i]) {
        order = Uint32Array.from({ length: count }, (_, k) => k).sort((x, y) => this.v4Starts[x] - this.v4Starts[y]);
        break;
      }
    }
    const pick = (source: number[]) => (order ? Uint32Array.from(order, (k) => source[k]) : Uint32Array.from(source));
    const starts = pick(this.v4Starts);
    const ends = pick(this.v4Ends);
    const geo4 = pick(this.v4Geos);
    this.v6.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const v6 = this.v6.slice();
    const geos = this.geos.slice();
    // The last range starting at or before `x`, if it also ends at or after it.
    const search = (n: number, startAt: (i: number) => boolean, endsAfter: (i: number) => boolean) => {
      let lo = 0;
      let hi = n - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (startAt(mid)) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found >= 0 && endsAfter(found) ? found : -1;
    };
    return {
      size: starts.length + v6.length,
      lookup(ip) {
        const key = parseIp(ip);
        if (!key) return undefined;
        if (key.v === 4) {
          const i = search(starts.length, (m) => starts[m] <= key.n, (m) => ends[m] >= key.n);
          return i >= 0 ? geos[geo4[i]] : undefined;
        }
        const i = search(v6.length, (m) => v6[m][0] <= key.hex, (m) => v6[m][1] >= key.hex);
        return i >= 0 ? geos[v6[i][2]] : undefined;
      },
    };
  }
}

/** One CSV record: commas separate, double quotes quote, `""` is a quote inside quotes. */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * A DB-IP row → geo. City Lite: start, end, continent, country, region, city, latitude,
 * longitude. Country Lite: start, end, country. `ZZ` is DB-IP's "unknown".
 */
export function geoOfDbIpRow(fields: string[]): Geo | null {
  const country = (fields.length >= 8 ? fields[3] : fields[2])?.trim().toUpperCase();
  if (!country || !/^[A-Z]{2}$/.test(country) || country === 'ZZ') return null;
  const geo: Geo = { country };
  if (fields.length >= 8) {
    if (fields[4]) geo.region = fields[4].slice(0, 100);
    if (fields[5]) geo.city = fields[5].slice(0, 100);
    const latitude = Number(fields[6]);
    const longitude = Number(fields[7]);
    if (fields[6] && fields[7] && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      geo.latitude = latitude;
      geo.longitude = longitude;
    }
  }
  return geo;
}

export interface LoadReport {
  table: IpRangeTable;
  rows: number;
  skipped: number;
}

/** Streams a DB-IP CSV (gzip-compressed when `gzip`) into a table. */
export async function loadDbIpCsv(input: Readable, options: { gzip?: boolean } = {}): Promise<LoadReport> {
  const source = options.gzip ? input.pipe(zlib.createGunzip()) : input;
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  const builder = new IpRangeTableBuilder();
  let rows = 0;
  let skipped = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    const fields = parseCsvLine(line);
    const geo = geoOfDbIpRow(fields);
    // A header row or an unknown country is not an error: it just locates nobody. Rows of one
    // place share one object, keyed by their location columns.
    if (geo && builder.add(fields[0], fields[1], geo, fields.slice(2).join('\u0000'))) rows += 1;
    else skipped += 1;
  }
  return { table: builder.build(), rows, skipped };
}
