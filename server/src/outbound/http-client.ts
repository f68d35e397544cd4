import dns from 'dns';
import http from 'http';
import https from 'https';
import net from 'net';
import { connectProblem, urlProblem, type OutboundPolicy } from './address-guard';

/**
 * The one outbound HTTP client of the plugin (push services, webhooks): the target is checked
 * before the request and every resolved address again at connect time (a name may resolve to
 * 10.0.0.1 or change between save and send), a deadline covers the whole exchange, and only the
 * first bytes of an answer are kept. Written on node's http/https because the check must sit in
 * the socket's DNS lookup, which fetch does not expose without a second HTTP stack.
 */
export interface OutboundRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: Buffer | string;
  timeoutMs: number;
  /** Bytes of the answer kept for the delivery log. */
  keepBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first `keepBytes` of the answer's body, as text. */
  bodyStart: string;
}

export type OutboundErrorKind = 'refused' | 'timeout' | 'network';

/** A request that never got an HTTP answer: refused by policy, timed out, or a network error. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundErrorKind,
    message: string
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number
) => void;

type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void
) => void;

/** dns.lookup with every answer checked against the policy before the socket connects. */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolve = dns.lookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      for (const a of addresses) {
        const problem = connectProblem(policy, hostname, a.address);
        if (problem)
          return callback(Object.assign(new Error(problem), { code: 'ESEGMENTSREFUSED' }), '');
      }
      if (!addresses.length)
        return callback(
          Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
          ''
        );
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export function guardedRequest(
  policy: OutboundPolicy,
  request: OutboundRequest
): Promise<OutboundResponse> {
  const problem = urlProblem(policy, request.url);
  if (problem) return Promise.reject(new OutboundError('refused', `${request.url}: ${problem}`));
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // An address literal is never looked up: check it here.
  if (net.isIP(host)) {
    const literal = connectProblem(policy, host, host);
    if (literal) return Promise.reject(new OutboundError('refused', literal));
  }
  const secure = url.protocol === 'https:';
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const keep = request.keepBytes ?? 512;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      fn();
    };
    const req = (secure ? https : http).request(
      url,
      {
        method: request.method ?? 'POST',
        headers: { ...request.headers, 'content-length': String(body.length) },
        agent: secure ? agents.https : agents.http,
        lookup: guardedLookup(policy) as unknown as net.LookupFunction,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < keep) {
            chunks.push(chunk.subarray(0, keep - kept));
            kept += Math.min(chunk.length, keep - kept);
          }
        });
        res.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              bodyStart: Buffer.concat(chunks).toString('utf8'),
            })
          )
        );
        res.on('error', (error) =>
          finish(() => reject(new OutboundError('network', error.message)))
        );
      }
    );
    const deadline = setTimeout(() => {
      finish(() =>
        reject(new OutboundError('timeout', `no answer within ${request.timeoutMs} ms`))
      );
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          new OutboundError(
            error.code === 'ESEGMENTSREFUSED' ? 'refused' : 'network',
            `${error.code ?? ''} ${error.message}`.trim()
          )
        )
      )
    );
    req.end(body);
  });
}

/**
 * One attempt's result for the caller to classify: the answer, or the error that stood in for
 * one (anything unexpected counts as a network error). Never rejects.
 */
export function attempt(
  policy: OutboundPolicy,
  request: OutboundRequest
): Promise<OutboundResponse | OutboundError> {
  return guardedRequest(policy, request).catch((error: unknown) =>
    error instanceof OutboundError ? error : new OutboundError('network', String(error))
  );
}

/** Milliseconds a `Retry-After` header asks to wait (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
