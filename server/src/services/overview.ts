import type { Core } from '@strapi/strapi';
import { countProfiles } from '../profiles/repository';
import { getService } from '../utils/get-service';
import type { Overview } from '../contracts';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async get(): Promise<Overview> {
    const [segments, profiles] = await Promise.all([
      strapi.documents('plugin::segments.segment').count({}),
      countProfiles(getService(strapi, 'store').knex()),
    ]);
    return { segments, profiles };
  },
});
