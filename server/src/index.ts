/**
 * The plugin as Strapi loads it: every domain's services, controllers, routes and content types,
 * wired together here and nowhere else (docs/ARCHITECTURE.md).
 */
import bootstrap from './bootstrap';
import destroy from './destroy';
import register from './register';
import config from './config';
import routes from './routes';
import analytics from './analytics/service';
import analyticsController from './analytics/controller';
import campaigns from './campaigns/service';
import campaignsController from './campaigns/controller';
import campaign from './campaigns/content-type';
import trackingController from './campaigns/tracking-controller';
import events from './events/service';
import eventsController from './events/controller';
import geoip from './geo/service';
import identity from './identity/service';
import visitorController from './identity/controller';
import importer from './import/service';
import importerController from './import/controller';
import personalization from './personalization/service';
import placementsController from './personalization/placements-controller';
import targetingAdmin from './personalization/targeting-admin-service';
import targetingAdminController from './personalization/targeting-admin-controller';
import banner from './personalization/content-types/banner';
import experiment from './personalization/content-types/experiment';
import profiles from './profiles/service';
import inapp from './inapp/service';
import inappController from './inapp/controller';
import push from './push/service';
import pushController from './push/controller';
import profilesController from './profiles/controller';
import visitors from './profiles/visitors-service';
import retention from './retention/service';
import retentionController from './retention/controller';
import scheduler from './scheduler/service';
import segments from './segments/service';
import memberships from './segments/memberships-service';
import segmentsController from './segments/controller';
import segment from './segments/content-type';
import overview from './segments/overview-service';
import overviewController from './segments/overview-controller';
import segmentRulesController from './segments/rules-controller';
import settings from './settings/service';
import settingsController from './settings/controller';
import store from './store/service';

export default {
  register,
  bootstrap,
  destroy,
  config,
  routes,
  contentTypes: { segment, banner, experiment, campaign },
  services: {
    store,
    scheduler,
    geoip,
    visitors,
    profiles,
    identity,
    events,
    importer,
    retention,
    segments,
    memberships,
    overview,
    personalization,
    targetingAdmin,
    campaigns,
    push,
    inapp,
    analytics,
    settings,
  },
  controllers: {
    visitor: visitorController,
    overview: overviewController,
    events: eventsController,
    profiles: profilesController,
    analytics: analyticsController,
    retention: retentionController,
    importer: importerController,
    'segment-rules': segmentRulesController,
    segments: segmentsController,
    placements: placementsController,
    campaigns: campaignsController,
    tracking: trackingController,
    push: pushController,
    inapp: inappController,
    settings: settingsController,
    'targeting-admin': targetingAdminController,
  },
  policies: {},
  middlewares: {},
};
