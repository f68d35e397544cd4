import readline from 'readline';
import type { Readable } from 'stream';
import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import type { ImportReport } from '../contracts';
import { DAY_MS, dayInTimeZone } from '../utils/days';
import { ingestEvents } from '../events/repository';
import { validateBatch, type NormalizedEvent } from '../events/validate';
import { csvRowToEvent, ndjsonLineToEvent, splitCsvLine, type ImportFormat } from './parse';
import { getService } from '../shell/get-service';

const BATCH = 500;
const MAX_REPORTED_REJECTIONS = 100;

/**
 * Bulk import of event history, streamed line by line and stored in batches of 500 (one
 * transaction each). Events older than the raw-event retention only feed the rollups and
 * activity days; events older than the rollup retention are rejected.
 * Re-importing is idempotent for events that carry a messageId and are still stored raw.
 */
const importerService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async importStream(
    stream: Readable,
    format: ImportFormat,
    now: number = Date.now()
  ): Promise<ImportReport> {
    const { retention, analytics } = strapi.config.get('plugin::segments') as PluginConfig;
    const activityDay = dayInTimeZone(analytics.timeZone);
    const knex = getService(strapi, 'store').knex();
    const report: ImportReport = {
      lines: 0,
      accepted: 0,
      duplicates: 0,
      rejectedCount: 0,
      rejected: [],
    };
    let header: string[] | null = null;
    let pending: { line: number; event: unknown }[] = [];

    const flush = async () => {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      const result = validateBatch(
        { events: batch.map((p) => p.event) },
        { now, rawEventsDays: retention.rollupDays, isApiToken: true }
      );
      if (!result.ok) throw new Error('import: a batch failed as a whole'); // cannot happen: 1..500 objects
      for (const rejection of result.batch.rejected) {
        report.rejectedCount += 1;
        if (report.rejected.length < MAX_REPORTED_REJECTIONS) {
          const line = batch[rejection.index].line;
          report.rejected.push({
            line,
            errors: rejection.errors.map((e) => ({
              path: e.path.replace(/^events\[\d+\]\.?/, '') || '(line)',
              message: e.message,
            })),
          });
        }
      }
      const events: NormalizedEvent[] = result.batch.events;
      if (events.length) {
        const stored = await ingestEvents(knex, {
          events,
          defaultTarget: null,
          context: null,
          now,
          rawEventsBefore: now - retention.rawEventsDays * DAY_MS,
          activityDay,
          afterWrite: (trx, eventsOf) =>
          getService(strapi, 'memberships').markEventsStored(eventsOf, trx),
        });
        report.accepted += events.length;
        report.duplicates += stored.duplicates;
      }
    };

    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const raw of lines) {
      lineNumber += 1;
      const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      if (format === 'csv' && header === null) {
        header = splitCsvLine(line).map((h) => h.trim());
        continue;
      }
      report.lines += 1;
      const event =
        format === 'csv'
          ? csvRowToEvent(header as string[], splitCsvLine(line))
          : ndjsonLineToEvent(line);
      if (event === undefined) {
        report.rejectedCount += 1;
        if (report.rejected.length < MAX_REPORTED_REJECTIONS) {
          report.rejected.push({
            line: lineNumber,
            errors: [{ path: '(line)', message: 'is not valid JSON' }],
          });
        }
        continue;
      }
      pending.push({ line: lineNumber, event });
      if (pending.length >= BATCH) await flush();
    }
    await flush();
    return report;
  },
});

export default importerService;
export type ImporterService = ReturnType<typeof importerService>;
declare module '../shell/get-service' {
  interface PluginServices {
    importer: ImporterService;
  }
}
