import segment from './segment';
import banner from './banner';
import experiment from './experiment';
import campaign from './campaign';

export default { segment, banner, experiment, campaign };
