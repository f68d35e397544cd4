import store from './store';
import visitors from './visitors';
import overview from './overview';
import events from './events';
import profiles from './profiles';
import analytics from './analytics';
import retention from './retention';
import importer from './importer';
import scheduler from './scheduler';
import segments from './segments';
import personalization from './personalization';
import campaigns from './campaigns';
import geoip from './geoip';
import settings from './settings';
import targetingAdmin from './targeting-admin';

export default { store, visitors, overview, events, profiles, analytics, retention, importer, scheduler, segments, personalization, campaigns, geoip, settings, targetingAdmin };

export type Services = {
  store: ReturnType<typeof store>;
  visitors: ReturnType<typeof visitors>;
  overview: ReturnType<typeof overview>;
  events: ReturnType<typeof events>;
  profiles: ReturnType<typeof profiles>;
  analytics: ReturnType<typeof analytics>;
  retention: ReturnType<typeof retention>;
  importer: ReturnType<typeof importer>;
  scheduler: ReturnType<typeof scheduler>;
  segments: ReturnType<typeof segments>;
  personalization: ReturnType<typeof personalization>;
  campaigns: ReturnType<typeof campaigns>;
  geoip: ReturnType<typeof geoip>;
  settings: ReturnType<typeof settings>;
  targetingAdmin: ReturnType<typeof targetingAdmin>;
};
