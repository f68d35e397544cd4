'use strict';
/** Child process: boots the playground (load + listen-ready), prints the milliseconds it took. */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', 'playground');

(async () => {
  const started = process.hrtime.bigint();
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  await strapi.load();
  await strapi.server.mount();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await strapi.destroy();
  process.stdout.write(`BOOT_MS ${ms}\n`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
