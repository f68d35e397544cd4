import os from 'os';
import type { Core } from '@strapi/strapi';
import { adminActionDefinitions } from './permissions/actions';
import { grantStorefrontPermissionsOnce } from './permissions/grant-storefront';
import { parsePluginConfig, type PluginConfig } from './config';
import { getService } from './shell/get-service';
import {
  registerHiddenRowsLifecycles,
  registerTargetingVersionBumps,
} from './personalization/hidden-entries';
import { runMigrations } from './migrations';
import { MEMBERSHIP_WEBHOOK_EVENTS } from './segments/membership-events';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  const report = await runMigrations(getService(strapi, 'store').knex(), { owner: `${os.hostname()}:${process.pid}` });
  if (report.applied.length) strapi.log.info(`[segments] applied migrations ${report.applied.join(', ')}`);
  // Targeting's list filter and its cache's version bumps live in database lifecycles, which
  // exist from bootstrap on.
  registerHiddenRowsLifecycles(strapi);
  registerTargetingVersionBumps(strapi);
  await strapi.service('admin::permission').actionProvider.registerMany(adminActionDefinitions);

  const config = parsePluginConfig(strapi.config.get('plugin::segments')) satisfies PluginConfig;
  if (config.grantStorefrontPermissions) await grantStorefrontPermissionsOnce(strapi);
  getService(strapi, 'geoip').start();
  getService(strapi, 'segments').startSchedule();
  for (const [key, event] of Object.entries(MEMBERSHIP_WEBHOOK_EVENTS)) {
    strapi.get('webhookStore').addAllowedEvent(key, event);
  }
  getService(strapi, 'memberships').start();
  if (config.retention.scheduledPurge) getService(strapi, 'retention').startSchedule();
  // The VAPID pair exists from the first boot on: storefronts can subscribe before any push campaign.
  await getService(strapi, 'push').vapidKeys();
  getService(strapi, 'campaigns').start();
  getService(strapi, 'analytics').start();
};

export default bootstrap;
