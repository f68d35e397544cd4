import ipaddr from 'ipaddr.js';

/**
 * Which outbound targets the plugin may reach (DESIGN §8a: no SSRF through a campaign or a push
 * subscription). Pure. A target is refused when it resolves to a private, loopback, link-local,
 * carrier-grade NAT, unique-local, multicast, reserved or unspecified address, and plain `http:` is
 * refused, unless the site lists the host (a name, an address or a CIDR range) in
 * `outbound.allowedHosts`.
 */
export interface OutboundPolicy {
  allowedHosts: readonly string[];
}

/** The only range a public target may be in (ipaddr.js names every other one). */
const PUBLIC_RANGE = 'unicast';

const stripBrackets = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** The IPv4 address behind an IPv4-mapped IPv6 one (::ffff:10.0.0.1), so its range is checked. */
function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(stripBrackets(address));
  } catch {
    return null;
  }
}

/** True when the host name (before resolution) or the resolved address is listed. */
export function isAllowedHost(policy: OutboundPolicy, host: string, address?: string): boolean {
  const name = stripBrackets(host);
  const ip = address === undefined ? normalise(name) : normalise(address);
  for (const entry of policy.allowedHosts) {
    const wanted = entry.trim().toLowerCase();
    if (wanted === name) return true;
    if (!ip) continue;
    try {
      if (wanted.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(wanted);
        if (range.kind() === ip.kind() && ip.match(range, bits)) return true;
      } else if (ipaddr.isValid(wanted) && ipaddr.process(wanted).toString() === ip.toString()) {
        return true;
      }
    } catch {
      // An entry that is neither a name nor an address matched above; nothing more to compare.
    }
  }
  return false;
}

/** Why an address may not be reached (its range), or null when it is a public unicast one. */
export function addressProblem(address: string): string | null {
  const ip = normalise(address);
  if (!ip) return `${address} is not an IP address`;
  const range = ip.range();
  return range === PUBLIC_RANGE ? null : `${ip.toString()} is a ${range} address`;
}

/**
 * Problems of a URL before any connection: its syntax, scheme, credentials and (when the host is
 * an address literal) its range. Names are checked again after resolution by the HTTP client.
 */
export function urlProblem(policy: OutboundPolicy, raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  const allowed = isAllowedHost(policy, url.hostname);
  if (url.protocol === 'http:' && !allowed)
    return `must be https (plain http only to hosts in outbound.allowedHosts; ${url.hostname} is not)`;
  const host = stripBrackets(url.hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return allowed ? null : `${host} is a loopback name (allow it in outbound.allowedHosts)`;
  }
  if (ipaddr.isValid(host) && !allowed) {
    const problem = addressProblem(host);
    if (problem) return `${problem} (allow it in outbound.allowedHosts)`;
  }
  return null;
}

/** Checks one resolved address of a host at connect time (DNS can point anywhere). */
export function connectProblem(
  policy: OutboundPolicy,
  host: string,
  address: string
): string | null {
  if (isAllowedHost(policy, host, address)) return null;
  const problem = addressProblem(address);
  return problem ? `${host} resolves to ${problem} (allow it in outbound.allowedHosts)` : null;
}
