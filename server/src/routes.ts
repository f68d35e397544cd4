import { adminRoutes as analyticsAdmin } from './analytics/routes';
import {
  adminRoutes as campaignsAdmin,
  contentApiRoutes as campaignsContent,
} from './campaigns/routes';
import { contentApiRoutes as eventsContent } from './events/routes';
import { contentApiRoutes as identityContent } from './identity/routes';
import { adminRoutes as importAdmin } from './import/routes';
import {
  adminRoutes as personalizationAdmin,
  contentApiRoutes as personalizationContent,
} from './personalization/routes';
import { adminRoutes as profilesAdmin } from './profiles/routes';
import { contentApiRoutes as inappContent } from './inapp/routes';
import { contentApiRoutes as pushContent } from './push/routes';
import { adminRoutes as retentionAdmin } from './retention/routes';
import { adminRoutes as segmentsAdmin } from './segments/routes';
import { adminRoutes as settingsAdmin } from './settings/routes';

/** Every domain's routes: admin (admin JWT + RBAC per route) and content API (users-permissions). */
export const adminRoutes = [
  ...segmentsAdmin,
  ...analyticsAdmin,
  ...retentionAdmin,
  ...importAdmin,
  ...profilesAdmin,
  ...campaignsAdmin,
  ...settingsAdmin,
  ...personalizationAdmin,
];

export const contentApiRoutes = [
  ...identityContent,
  ...eventsContent,
  ...personalizationContent,
  ...campaignsContent,
  ...pushContent,
  ...inappContent,
];

export default {
  admin: { type: 'admin', routes: adminRoutes },
  'content-api': { type: 'content-api', routes: contentApiRoutes },
};
