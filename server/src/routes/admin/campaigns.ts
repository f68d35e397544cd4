import { ADMIN_ACTIONS } from '../../permissions/actions';

type Can = (...actions: string[]) => unknown[];

/** Campaign admin routes: `read` to look, `campaigns.manage` to edit, `campaigns.send` to send. */
export function campaignRoutes(can: Can) {
  const read = { policies: can(ADMIN_ACTIONS.read) };
  const manage = { policies: can(ADMIN_ACTIONS.manageCampaigns) };
  const send = { policies: can(ADMIN_ACTIONS.sendCampaigns) };
  return [
    { method: 'GET', path: '/campaigns', handler: 'campaigns.find', config: read },
    { method: 'POST', path: '/campaigns', handler: 'campaigns.create', config: manage },
    { method: 'GET', path: '/campaigns/:documentId', handler: 'campaigns.findOne', config: read },
    { method: 'PUT', path: '/campaigns/:documentId', handler: 'campaigns.update', config: manage },
    { method: 'DELETE', path: '/campaigns/:documentId', handler: 'campaigns.delete', config: manage },
    { method: 'POST', path: '/campaigns/:documentId/schedule', handler: 'campaigns.schedule', config: send },
    { method: 'POST', path: '/campaigns/:documentId/pause', handler: 'campaigns.pause', config: manage },
    { method: 'POST', path: '/campaigns/:documentId/resume', handler: 'campaigns.resume', config: send },
    { method: 'POST', path: '/campaigns/:documentId/cancel', handler: 'campaigns.cancel', config: manage },
    { method: 'POST', path: '/campaigns/:documentId/test', handler: 'campaigns.test', config: send },
    { method: 'POST', path: '/campaigns/:documentId/preview', handler: 'campaigns.preview', config: manage },
    { method: 'GET', path: '/campaigns/:documentId/deliveries', handler: 'campaigns.deliveries', config: read },
    { method: 'GET', path: '/campaigns/:documentId/send-hours', handler: 'campaigns.sendHours', config: read },
    { method: 'POST', path: '/campaigns/render', handler: 'campaigns.render', config: manage },
  ];
}
