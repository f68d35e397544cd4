/**
 * The campaign status machine. Pure: the document-service guard (editor writes) and the planner's
 * compare-and-set updates (system writes) both ask `canTransition` before changing a status.
 *
 *   draft ──schedule──▶ scheduled ──(run due)──▶ sending ──(run done)──▶ sent
 *                          ▲   │                    │  │                 (recurring: back to scheduled)
 *                          │   └──pause──▶ paused ◀─┘  │
 *                          └──resume──────┘  │         │
 *   any non-terminal ───────────cancel───────┴─────────┴──▶ cancelled
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Who asks: an editor (admin API, Content Manager) or the planner/dispatcher. */
export type Actor = 'editor' | 'system';

const EDGES: Record<CampaignStatus, Partial<Record<CampaignStatus, Actor[]>>> = {
  draft: { scheduled: ['editor'], cancelled: ['editor'] },
  // Back to draft is "unschedule": the editor wants to change content before anything went out.
  scheduled: { draft: ['editor'], sending: ['system'], paused: ['editor'], cancelled: ['editor'] },
  // sending → scheduled: a recurring campaign finished one run and waits for the next fire.
  sending: { sent: ['system'], scheduled: ['system'], paused: ['editor'], cancelled: ['editor'] },
  // Resume goes back to where the campaign was: scheduled, or sending when a run is unfinished.
  paused: { scheduled: ['editor', 'system'], sending: ['editor', 'system'], cancelled: ['editor'] },
  sent: {},
  cancelled: {},
};

export function isCampaignStatus(value: unknown): value is CampaignStatus {
  return typeof value === 'string' && (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: CampaignStatus, to: CampaignStatus, actor: Actor): boolean {
  if (from === to) return true;
  return (EDGES[from][to] ?? []).includes(actor);
}

/** Statuses reachable from `from` by `actor` (for error messages). */
export function nextStatuses(from: CampaignStatus, actor: Actor): CampaignStatus[] {
  return (Object.keys(EDGES[from]) as CampaignStatus[]).filter((to) => canTransition(from, to, actor));
}

export function transitionError(from: CampaignStatus, to: CampaignStatus, actor: Actor): string | null {
  if (canTransition(from, to, actor)) return null;
  const allowed = nextStatuses(from, actor);
  return `cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`}`;
}

/** Content (variants, audience, schedule) may only change before anything is sent. */
export function isEditable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'scheduled' || status === 'paused';
}

/** Deliveries of campaigns in these statuses may be claimed and sent. */
export const SENDABLE: readonly CampaignStatus[] = ['sending'];
