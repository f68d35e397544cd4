'use strict';
/**
 * One Strapi instance of the campaign cluster test: boots the playground against the shared
 * database with the scheduler on (planner under the cron lease, dispatcher loop), prints READY,
 * and sends until killed.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', '..', 'playground');

(async () => {
  const strapi = await createStrapi({ appDir, distDir: path.join(appDir, 'dist') }).load();
  process.stdout.write(`READY ${strapi.plugin('segments').service('campaigns').owner}\n`);
  process.on('SIGTERM', () => {
    strapi.destroy().finally(() => process.exit(0));
  });
})().catch((error) => {
  process.stdout.write(`ERROR ${String(error && error.stack)}\n`);
  process.exit(1);
});
