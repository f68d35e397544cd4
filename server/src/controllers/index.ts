import visitor from './visitor';
import overview from './overview';

export default { visitor, overview };
