/**
 * What the Settings page shows: the effective plugin configuration with secrets masked, and the
 * scheduler's lease table read as "who runs what, and when it last ticked". Pure.
 */

export const MASK = '********';

/** Keys whose values are credentials (nodemailer `auth.pass`, tracking `secret`, OAuth tokens…). */
const SECRET_KEY = /pass(word|phrase)?$|secret|token|private|api_?key|credentials|^key$/i;

/** `smtp://user:pass@host` → `smtp://user:********@host`. */
function maskUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):([^@/\s]+)@/i, `$1:${MASK}@`);
}

/**
 * A deep copy with every secret replaced by MASK (set secrets only: an unset secret stays
 * null/undefined so the page can say "not set", e.g. the tracking secret derived from app keys).
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return MASK;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean') {
        out[key] = MASK;
      } else {
        out[key] = maskSecrets(inner, depth + 1);
      }
    }
    return out;
  }
  if (typeof value === 'string') return maskUrlCredentials(value);
  return value;
}

export interface LeaseRow {
  name: string;
  owner: string;
  acquired_at: number | string;
  renewed_at: number | string;
  expires_at: number | string;
}

export interface JobStatus {
  /** The job: `campaign-planner`, `segments-recompute`, … */
  job: string;
  /** Cron fire (`cron`) or a held on-demand lease (`job`). */
  kind: 'cron' | 'job';
  /** The instance that ran the last fire / holds the lease. */
  owner: string;
  /** Last fire (cron) or acquisition (job), epoch ms. */
  lastTickAt: number;
  expiresAt: number;
  /** The lease is still held (not expired). */
  active: boolean;
}

// node-cron's coordinator key is `<prefix>:<fire slot ISO>`; the lease store adds `cron:`.
const CRON_LEASE = /^cron:(?:segments:)?(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/;
const JOB_LEASE = /^job:(.+)$/;

/** One line per job: the most recent lease of each, newest first. */
export function schedulerJobs(rows: readonly LeaseRow[], now: number): JobStatus[] {
  const latest = new Map<string, JobStatus>();
  for (const row of rows) {
    const cron = CRON_LEASE.exec(row.name);
    const job = cron ? null : JOB_LEASE.exec(row.name);
    const name = cron?.[1] ?? job?.[1] ?? row.name;
    const kind: JobStatus['kind'] = cron ? 'cron' : 'job';
    const status: JobStatus = {
      job: name,
      kind,
      owner: row.owner,
      lastTickAt: Number(row.acquired_at),
      expiresAt: Number(row.expires_at),
      active: Number(row.expires_at) > now,
    };
    const key = `${kind}\u0000${name}`;
    const previous = latest.get(key);
    if (!previous || previous.lastTickAt < status.lastTickAt) latest.set(key, status);
  }
  return [...latest.values()].sort((a, b) => b.lastTickAt - a.lastTickAt || a.job.localeCompare(b.job));
}
