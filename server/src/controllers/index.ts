import visitor from './visitor';
import overview from './overview';
import events from './events';
import profiles from './profiles';
import analytics from './analytics';
import importer from './importer';

export default { visitor, overview, events, profiles, analytics, importer };
