import visitor from './visitor';
import overview from './overview';
import events from './events';
import profiles from './profiles';
import analytics from './analytics';
import importer from './importer';
import segmentRules from './segment-rules';
import segments from './segments';
import placements from './placements';
import campaigns from './campaigns';
import tracking from './tracking';
import settings from './settings';
import targetingAdmin from './targeting-admin';

export default { visitor, overview, events, profiles, analytics, importer, 'segment-rules': segmentRules, segments, placements, campaigns, tracking, settings, 'targeting-admin': targetingAdmin };
