'use strict';
/**
 * One Strapi instance of the memberships cluster test: boots the playground against the shared
 * database with the scheduler on (real-time loop, planner, dispatcher), serves HTTP on a free
 * port, prints READY <port>, and runs until killed.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', '..', 'playground');

(async () => {
  const strapi = await createStrapi({ appDir, distDir: path.join(appDir, 'dist') }).load();
  strapi.server.mount();
  const server = strapi.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`READY ${server.address().port}\n`);
  process.on('SIGTERM', () => {
    strapi.destroy().finally(() => process.exit(0));
  });
})().catch((error) => {
  process.stdout.write(`ERROR ${String(error && error.stack)}\n`);
  process.exit(1);
});
