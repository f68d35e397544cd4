import store from './store';
import visitors from './visitors';
import overview from './overview';

export default { store, visitors, overview };

export type Services = {
  store: ReturnType<typeof store>;
  visitors: ReturnType<typeof visitors>;
  overview: ReturnType<typeof overview>;
};
