'use strict';
/**
 * Child process for lease tests: boots the playground, then repeatedly asks the plugin's scheduler
 * to run the job `recompute` exclusively. When it gets it, it prints `ACQUIRED <epoch ms>` and
 * holds it (renewing) until killed. Prints `WAITING` each time another instance holds it.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', '..', 'playground');

(async () => {
  const strapi = await createStrapi({ appDir, distDir: path.join(appDir, 'dist') }).load();
  const scheduler = strapi.plugin('segments').service('scheduler');
  process.stdout.write(`READY ${scheduler.owner}\n`);
  for (;;) {
    const run = await scheduler.runExclusive('recompute', async () => {
      process.stdout.write(`ACQUIRED ${Date.now()}\n`);
      await new Promise(() => undefined); // hold until killed
    });
    if (!run.ran) process.stdout.write('WAITING\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
})().catch((error) => {
  process.stdout.write(`ERROR ${String(error && error.stack)}\n`);
  process.exit(1);
});
