import segment from './segment';
import banner from './banner';
import experiment from './experiment';

export default { segment, banner, experiment };
