import type { Core } from '@strapi/strapi';
import { activityLookbackStart, activitySeries } from '../analytics/activity';
import type { ActivityResponse } from '../contracts';
import type { PluginConfig } from '../config';
import { TABLES } from '../store/tables';
import { getService } from '../utils/get-service';

/** Activity metrics from segments_activity_days (range scan on segments_activity_days_day_idx). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async activity(from: string, to: string): Promise<ActivityResponse> {
    // Activity days were recorded in the reporting zone, so `from`/`to` are days of that zone.
    const { timeZone } = (strapi.config.get('plugin::segments') as PluginConfig).analytics;
    const rows = await getService(strapi, 'store')
      .knex()(TABLES.activityDays)
      .select('profile_id', 'day')
      .whereBetween('day', [activityLookbackStart(from), to]);
    const days = activitySeries(
      rows.map((r: { profile_id: number | string; day: string }) => ({
        profileId: Number(r.profile_id),
        day: r.day,
      })),
      from,
      to
    );
    return { from, to, timeZone, days };
  },
});
