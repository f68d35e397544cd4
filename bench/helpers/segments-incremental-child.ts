/**
 * The incremental-memberships benchmark's measured work, in a process of its own:
 *   node -r tsx/cjs segments-incremental-child.ts <db file> <touched>
 * Computes the 20 benchmark segments once, then a stream touches `touched` random profiles (a
 * purchase today, marked as ingestion marks it). Measured: the time for the real-time passes
 * (claim, re-evaluate against the 20 segments, write transitions, release) to make every
 * membership current, against a full recompute of the same 20 segments on the same data — which
 * must then find nothing to correct. Prints `RESULT {…}`.
 */
import knexFactory from 'knex';
import { runMigrations } from '../../server/src/migrations';
import { TABLES } from '../../server/src/store/tables';
import { dependencyOrder } from '../../server/src/segments/order';
import { recomputeSegment } from '../../server/src/segments/recompute';
import { maintainedSegments, reevaluateProfiles } from '../../server/src/segments/incremental';
import {
  claimDueProfiles,
  markProfiles,
  releaseProfiles,
} from '../../server/src/segments/reevaluation-queue';
import { NOW } from './rules-batch-data';
import { SEGMENTS } from './segments-recompute-child';

const BATCH = 500;

async function main() {
  const [file, touchedArg] = process.argv.slice(2);
  const touched = Number(touchedArg);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  await runMigrations(knex, { owner: 'bench' });
  const keyToId = new Map(SEGMENTS.map((s) => [s.key, `bench-${s.key}`]));
  const options = { now: NOW, retentionDays: 90, keyToId };
  const recomputeAll = async () => {
    const started = process.hrtime.bigint();
    let corrections = 0;
    for (const segment of dependencyOrder(SEGMENTS)) {
      const r = await recomputeSegment(
        knex,
        { id: keyToId.get(segment.key) as string, ...segment },
        options
      );
      corrections += r.entered + r.exited + r.deferred;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, corrections };
  };
  await recomputeAll(); // the baseline memberships

  const [{ n }] = (await knex(TABLES.profiles).count({ n: '*' })) as Array<{ n: number }>;
  // Spread over the whole table: a prime stride visits distinct ids (n is not a multiple of it).
  const total = Number(n);
  const profileIds = Array.from(
    { length: Math.min(touched, total) },
    (_, i) => 1 + ((i * 7919) % total)
  );
  const day = NOW.toISOString().slice(0, 10);
  // The stream's writes and marks, as ingestion commits them (not measured: ingestion has its own benchmark).
  await knex.transaction(async (trx) => {
    for (let i = 0; i < profileIds.length; i += 500) {
      await trx(TABLES.rollups)
        .insert(
          profileIds
            .slice(i, i + 500)
            .map((id) => ({ profile_id: id, event: 'purchase', day, count: 1, value_sum: 120 }))
        )
        .onConflict(['profile_id', 'event', 'day'])
        .merge({
          count: knex.raw('segments_event_rollups.count + 1'),
          value_sum: knex.raw('segments_event_rollups.value_sum + 120'),
        });
    }
    await markProfiles(trx, profileIds, NOW.getTime() - 1000);
  });

  const documents = SEGMENTS.map((s) => ({
    documentId: keyToId.get(s.key) as string,
    key: s.key,
    rule: s.rule,
    state: 'active',
  }));
  const started = process.hrtime.bigint();
  let transitions = 0;
  let claimedTotal = 0;
  for (;;) {
    const claimed = await claimDueProfiles(knex, {
      token: 'bench',
      now: Date.now(),
      claimExpires: Date.now() + 60_000,
      limit: BATCH,
    });
    if (!claimed.length) break;
    claimedTotal += claimed.length;
    // As the service does each pass: the segments read and compiled again.
    const segments = await maintainedSegments(knex, documents);
    transitions += (await reevaluateProfiles(knex, claimed, segments, options)).transitions.length;
    await releaseProfiles(
      knex,
      'bench',
      claimed.map((c) => c.profileId),
      NOW.getTime()
    );
  }
  const incrementalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const full = await recomputeAll();
  if (full.corrections !== 0)
    throw new Error(`the recompute corrected ${full.corrections} memberships`);
  await knex.destroy();
  process.stdout.write(
    `RESULT ${JSON.stringify({ incrementalMs, recomputeMs: full.ms, touched: claimedTotal, transitions })}\n`
  );
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
