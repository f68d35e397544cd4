import segment from './segment';
import campaign from './campaign';

export default { segment, campaign };
