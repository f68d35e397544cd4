import type { Core } from '@strapi/strapi';
import { countProfiles } from '../profiles/repository';
import { getService } from '../shell/get-service';
import type { Overview } from '../contracts';
import { SEGMENT_UID } from '../store/uids';

const overviewService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async get(): Promise<Overview> {
    const [segments, profiles, realtime] = await Promise.all([
      strapi.documents(SEGMENT_UID).count({}),
      countProfiles(getService(strapi, 'store').knex()),
      getService(strapi, 'memberships').status(),
    ]);
    return { segments, profiles, realtime };
  },
});

export default overviewService;
export type OverviewService = ReturnType<typeof overviewService>;
declare module '../shell/get-service' {
  interface PluginServices {
    overview: OverviewService;
  }
}
