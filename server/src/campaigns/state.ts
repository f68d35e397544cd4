/**
 * The campaign lifecycle, stored as `state` (Strapi 5 reserves `status` for draft & publish and
 * hides a content type that uses it from the Content Manager). Pure: the document-service guard
 * (editor writes) and the planner's compare-and-set updates (system writes) both ask
 * `canTransition` before changing a state.
 *
 *   draft ──schedule──▶ scheduled ──(run due)──▶ sending ──(run done)──▶ sent
 *                          ▲   │                    │  │                 (recurring: back to scheduled)
 *                          │   └──pause──▶ paused ◀─┘  │
 *                          └──resume──────┘  │         │
 *   any non-terminal ───────────cancel───────┴─────────┴──▶ cancelled
 */
export const CAMPAIGN_STATES = ['draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** Who asks: an editor (admin API, Content Manager) or the planner/dispatcher. */
export type Actor = 'editor' | 'system';

const EDGES: Record<CampaignState, Partial<Record<CampaignState, Actor[]>>> = {
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

export function isCampaignState(value: unknown): value is CampaignState {
  return typeof value === 'string' && (CAMPAIGN_STATES as readonly string[]).includes(value);
}

export function canTransition(from: CampaignState, to: CampaignState, actor: Actor): boolean {
  if (from === to) return true;
  return (EDGES[from][to] ?? []).includes(actor);
}

/** States reachable from `from` by `actor` (for error messages). */
export function nextStates(from: CampaignState, actor: Actor): CampaignState[] {
  return (Object.keys(EDGES[from]) as CampaignState[]).filter((to) => canTransition(from, to, actor));
}

export function transitionError(from: CampaignState, to: CampaignState, actor: Actor): string | null {
  if (canTransition(from, to, actor)) return null;
  const allowed = nextStates(from, actor);
  return `cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`}`;
}

/** Content (variants, audience, schedule) may only change before anything is sent. */
export function isEditable(state: CampaignState): boolean {
  return state === 'draft' || state === 'scheduled' || state === 'paused';
}

/** Deliveries of campaigns in these states may be claimed and sent. */
export const SENDABLE: readonly CampaignState[] = ['sending'];
