import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

const read = { policies: can(ADMIN_ACTIONS.read) };
const manage = { policies: can(ADMIN_ACTIONS.manageCampaigns) };
const send = { policies: can(ADMIN_ACTIONS.sendCampaigns) };

/** Campaign admin routes: `read` to look, `campaigns.manage` to edit, `campaigns.send` to send. */
export const adminRoutes: PluginRoute[] = [
  { method: 'GET', path: '/campaigns', handler: 'campaigns.find', config: read },
  { method: 'POST', path: '/campaigns', handler: 'campaigns.create', config: manage },
  { method: 'GET', path: '/campaigns/:documentId', handler: 'campaigns.findOne', config: read },
  { method: 'PUT', path: '/campaigns/:documentId', handler: 'campaigns.update', config: manage },
  { method: 'DELETE', path: '/campaigns/:documentId', handler: 'campaigns.delete', config: manage },
  {
    method: 'POST',
    path: '/campaigns/:documentId/schedule',
    handler: 'campaigns.schedule',
    config: send,
  },
  {
    method: 'POST',
    path: '/campaigns/:documentId/pause',
    handler: 'campaigns.pause',
    config: manage,
  },
  {
    method: 'POST',
    path: '/campaigns/:documentId/resume',
    handler: 'campaigns.resume',
    config: send,
  },
  {
    method: 'POST',
    path: '/campaigns/:documentId/cancel',
    handler: 'campaigns.cancel',
    config: manage,
  },
  { method: 'POST', path: '/campaigns/:documentId/test', handler: 'campaigns.test', config: send },
  {
    method: 'POST',
    path: '/campaigns/:documentId/preview',
    handler: 'campaigns.preview',
    config: manage,
  },
  {
    method: 'GET',
    path: '/campaigns/:documentId/deliveries',
    handler: 'campaigns.deliveries',
    config: read,
  },
  {
    method: 'GET',
    path: '/campaigns/:documentId/send-hours',
    handler: 'campaigns.sendHours',
    config: read,
  },
  { method: 'POST', path: '/campaigns/render', handler: 'campaigns.render', config: manage },
  {
    method: 'POST',
    path: '/campaigns/:documentId/webhook-secret',
    handler: 'campaigns.rotateWebhookSecret',
    config: manage,
  },
];

/** Links in campaign e-mails: no login (mail clients have none); the signed token is the credential. */
const open = { auth: false as const, description: 'Campaign e-mail tracking (signed token).' };

export const contentApiRoutes: PluginRoute[] = [
  { method: 'GET', path: '/t/o/:token', handler: 'tracking.open', config: open },
  { method: 'GET', path: '/t/c/:token', handler: 'tracking.click', config: open },
  { method: 'GET', path: '/t/u/:token', handler: 'tracking.unsubscribePage', config: open },
  { method: 'POST', path: '/t/u/:token', handler: 'tracking.unsubscribe', config: open },
  // The service worker reports a push notification shown and clicked (no cookies there either).
  { method: 'POST', path: '/t/d/:token', handler: 'tracking.pushDisplayed', config: open },
  { method: 'POST', path: '/t/p/:token', handler: 'tracking.pushClicked', config: open },
];
