import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { cronFields, type CampaignDefinition } from '../definition';
import {
  assignPending,
  countRunDeliveries,
  createRun,
  lastRunDue,
  materialiseAudience,
  runsWithStatus,
  setRunStatus,
} from '../outbox';
import { latestCronFire, recipientSendAt } from '../timing';
import { intelligentSendAt, recipientZone } from '../send-time';
import { pendingRecipients, planSendHours, type SendHourPlan } from '../engagement';
import { processTriggers, scanTriggers } from '../triggers';
import { TABLES } from '../../store/tables';
import { getService } from '../../shell/get-service';
import type { CampaignContext } from './context';

export interface PlanReport {
  created: number;
  materialised: number;
  finished: number;
  /** Triggered campaigns: new trigger occurrences, sends queued, sends cancelled (exit, segment). */
  triggered: number;
  triggerQueued: number;
  triggerCancelled: number;
}

const MINUTE = 60_000;

/** The run due for a scheduled campaign at `now`, if any. */
async function dueRun(
  db: Knex,
  c: CampaignDefinition,
  now: number
): Promise<{ key: string; dueAt: number } | null> {
  const scheduledAt = c.scheduledAt ? Date.parse(c.scheduledAt) : now;
  if (c.scheduleType === 'triggered') return null;
  if (c.scheduleType === 'now')
    return scheduledAt <= now ? { key: 'once', dueAt: scheduledAt } : null;
  if (c.scheduleType === 'at') {
    const at = Date.parse(c.sendAt as string);
    return at <= now ? { key: 'once', dueAt: at } : null;
  }
  // Recurring: the latest fire since the last run (or since scheduling); missed older fires
  // are not replayed, so an outage does not end in a burst of stale runs.
  const last = await lastRunDue(db, c.documentId);
  const after = Math.max(last ?? -Infinity, Math.floor(scheduledAt / MINUTE) * MINUTE - 1);
  const fire = latestCronFire(cronFields(c.cron as string), c.timezone, after, now);
  return fire === null ? null : { key: new Date(fire).toISOString().slice(0, 16), dueAt: fire };
}

/** In-app campaigns past `inapp.endsAt` stop showing: the campaign is sent, its run done. */
async function endInappCampaigns(
  db: Knex,
  ctx: CampaignContext,
  campaigns: CampaignDefinition[],
  now: number
): Promise<number> {
  let ended = 0;
  for (const c of campaigns) {
    if (c.channel !== 'inapp' || c.state !== 'sending' || !c.inapp.endsAt) continue;
    if (Date.parse(c.inapp.endsAt) > now) continue;
    if (!(await ctx.transition(c.documentId, 'sending', 'sent'))) continue;
    await db(TABLES.campaignRuns)
      .where({ campaign_id: c.documentId, status: 'live' })
      .update({ status: 'done', finished_at: now });
    ended += 1;
  }
  return ended;
}

/** The planner: due runs → audience → outbox, on one instance per tick (a database lease). */
export function campaignPlanner(strapi: Core.Strapi, ctx: CampaignContext) {
  return {
    /**
     * One planner pass: create due runs (unique per campaign × run key), materialise planned runs
     * into the outbox, and close finished runs. Runs on one instance at a time.
     */
    async plan(now = Date.now()): Promise<PlanReport | null> {
      const run = await getService(strapi, 'scheduler').runExclusive(
        'campaign-planner',
        async () => {
          const report: PlanReport = {
            created: 0,
            materialised: 0,
            finished: 0,
            triggered: 0,
            triggerQueued: 0,
            triggerCancelled: 0,
          };
          const db = ctx.knex();
          for (const c of await ctx.loadCampaigns({ state: 'scheduled' })) {
            // A triggered campaign is live (sending) from scheduling until paused or cancelled.
            if (c.scheduleType === 'triggered') {
              await ctx.transition(c.documentId, 'scheduled', 'sending');
              continue;
            }
            const due = await dueRun(db, c, now);
            if (!due) continue;
            if (c.channel === 'inapp') {
              // Pulled, not sent: live from now on; its run opens with the first visitor.
              await ctx.transition(c.documentId, 'scheduled', 'sending');
              continue;
            }
            if (await createRun(db, c.documentId, due.key, due.dueAt, now)) report.created += 1;
            await ctx.transition(c.documentId, 'scheduled', 'sending');
          }

          const active = new Map(
            (await ctx.loadCampaigns({ state: { $in: ['scheduled', 'sending', 'paused'] } })).map(
              (c) => [c.documentId, c]
            )
          );
          for (const r of await runsWithStatus(db, ['planned'])) {
            const c = active.get(r.campaignId);
            if (!c || c.channel === 'inapp') {
              await setRunStatus(db, r.id, 'cancelled', { finishedAt: now });
              continue;
            }
            const segmentId = await ctx.segmentIdOf(c.segmentKey);
            if (segmentId) {
              // A fresh audience: memberships as of the run, not as of the last scheduled recompute.
              await getService(strapi, 'segments').recompute(segmentId);
              await materialiseAudience(
                db,
                r,
                { segmentId, requireConsent: ctx.config().campaigns.requireConsent, channel: c.channel },
                now
              );
            }
            // Intelligent timing: each recipient's hour from their engagement, within 24 h of the run.
            const hourPlan: SendHourPlan | null = c.intelligentTiming
              ? await planSendHours(
                  db,
                  await pendingRecipients(db, r.id),
                  c.timezone,
                  now,
                  ctx.sendTimeSettings()
                )
              : null;
            await assignPending(
              db,
              r.id,
              {
                seed: c.documentId,
                weights: c.variants.map((v) => v.weight),
                holdoutPercent: c.holdoutPercent,
                sendAt: ({ profileId, timeZone }) =>
                  hourPlan
                    ? intelligentSendAt(
                        r.dueAt,
                        hourPlan.hours.get(profileId) ?? hourPlan.fallbackHour,
                        recipientZone(timeZone, c.timezone),
                        c.quietHours
                      )
                    : recipientSendAt({
                        runAt: r.dueAt,
                        localTime: c.localTime,
                        quietHours: c.quietHours,
                        timeZone,
                        fallbackTimeZone: c.timezone,
                      }),
              },
              now
            );
            const audience = await countRunDeliveries(db, r.id, [
              'queued',
              'holdout',
              'sending',
              'sent',
              'failed',
              'skipped',
            ]);
            await setRunStatus(db, r.id, 'ready', { audience });
            report.materialised += 1;
          }

          report.finished += await endInappCampaigns(db, ctx, [...active.values()], now);

          const live = [...active.values()].filter(
            // Triggered in-app messages are decided when the visitor asks (service/inapp.ts).
            (c) => c.state === 'sending' && c.scheduleType === 'triggered' && c.channel !== 'inapp'
          );
          for (const c of live) {
            report.triggered += (
              await scanTriggers(db, c, {
                now,
                segmentIdOf: ctx.segmentIdOf,
                settings: ctx.sendTimeSettings(),
              })
            ).created;
          }
          const processed = await processTriggers(db, new Map(live.map((c) => [c.documentId, c])), {
            now,
            segmentIdOf: ctx.segmentIdOf,
          });
          report.triggerQueued += processed.queued;
          report.triggerCancelled += processed.cancelled;

          for (const r of await runsWithStatus(db, ['ready'])) {
            if ((await countRunDeliveries(db, r.id, ['pending', 'queued', 'sending'])) > 0)
              continue;
            await setRunStatus(db, r.id, 'done', { finishedAt: now });
            report.finished += 1;
            const c = active.get(r.campaignId);
            if (!c || c.state !== 'sending' || c.scheduleType === 'triggered') continue;
            const unfinished = await db(TABLES.campaignRuns)
              .where('campaign_id', c.documentId)
              .whereIn('status', ['planned', 'ready'])
              .first();
            if (!unfinished)
              await ctx.transition(
                c.documentId,
                'sending',
                c.scheduleType === 'recurring' ? 'scheduled' : 'sent'
              );
          }
          return report;
        }
      );
      return run.ran ? (run.result ?? null) : null;
    },
  };
}
