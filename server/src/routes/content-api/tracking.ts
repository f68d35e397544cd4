/** Links in campaign e-mails: no login (mail clients have none); the signed token is the credential. */
const open = { auth: false as const, description: 'Campaign e-mail tracking (signed token).' };

export const trackingRoutes = [
  { method: 'GET', path: '/t/o/:token', handler: 'tracking.open', config: open },
  { method: 'GET', path: '/t/c/:token', handler: 'tracking.click', config: open },
  { method: 'GET', path: '/t/u/:token', handler: 'tracking.unsubscribePage', config: open },
  { method: 'POST', path: '/t/u/:token', handler: 'tracking.unsubscribe', config: open },
];
