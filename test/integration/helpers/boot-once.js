'use strict';
/**
 * Boots the playground in a child process, prints one JSON line with what the plugin's migration
 * run did, and exits: lets a test start several Strapi instances against one database at once.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', '..', 'playground');

(async () => {
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  try {
    await strapi.load();
    const rows = await strapi.db.connection('segments_migrations').select('version', 'applied_by');
    process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, rows })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, pid: process.pid, error: String(error && error.stack) })}\n`);
    process.exitCode = 1;
  } finally {
    await strapi.destroy().catch(() => undefined);
  }
})();
