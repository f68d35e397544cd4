import { ADMIN_ACTIONS } from '../../permissions/actions';

const can = (...actions: string[]) => [{ name: 'admin::hasPermissions', config: { actions } }];

export default {
  type: 'admin',
  routes: [
    {
      method: 'GET',
      path: '/overview',
      handler: 'overview.get',
      config: { policies: ['admin::isAuthenticatedAdmin', ...can(ADMIN_ACTIONS.read)] },
    },
  ],
};
