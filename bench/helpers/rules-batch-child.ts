/**
 * One measured path of the batch benchmark, in a process of its own so peak RSS is its own:
 *   node -r tsx/cjs rules-batch-child.ts <sql|naive> <db file>
 * Prints `RESULT {"ms":…,"matches":…,"maxRssMb":…}`.
 */
import knexFactory, { type Knex } from 'knex';
import { compileRule } from '../../server/src/rules';
import { loadProfileFacts, matchingProfileIds } from '../../server/src/rules/sql';
import { BENCH_RULE, NOW } from './rules-batch-data';

const env = { now: NOW, retentionDays: 90 };

/** The naive path: every profile and its rollups, 1000 at a time, through compileRule. */
async function naive(knex: Knex): Promise<number> {
  const matches = compileRule(BENCH_RULE);
  let last = 0;
  let count = 0;
  for (;;) {
    const ids = (await knex('segments_profiles').select('id').where('id', '>', last).orderBy('id').limit(1000)).map(
      (row: { id: number }) => Number(row.id)
    );
    if (ids.length === 0) return count;
    last = ids[ids.length - 1];
    const facts = await loadProfileFacts(knex, ids, { ...env, eventNames: null, rawEvents: false });
    for (const profile of facts) if (matches(profile, env)) count += 1;
  }
}

async function main() {
  const [mode, file] = process.argv.slice(2);
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file, readonly: true } as never, useNullAsDefault: true });
  const started = process.hrtime.bigint();
  const matches = mode === 'sql' ? (await matchingProfileIds(knex, BENCH_RULE, env)).length : await naive(knex);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await knex.destroy();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`RESULT ${JSON.stringify({ ms, matches, maxRssMb })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
