import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

// Timers must not outlive the Strapi instance (tests boot many in one process).
const destroy = ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'retention').stopSchedule();
};

export default destroy;
