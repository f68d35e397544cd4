import type { Core } from '@strapi/strapi';
import { getService } from './shell/get-service';

// Timers must not outlive the Strapi instance (tests boot many in one process).
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'scheduler').stopAll();
  await getService(strapi, 'campaigns').stop();
  await getService(strapi, 'memberships').stop();
  getService(strapi, 'analytics').stop();
};

export default destroy;
