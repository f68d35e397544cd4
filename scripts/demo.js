#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: builds the plugin and the playground (admin panel included), then starts Strapi
 * on http://localhost:1337 (PORT honoured) with SEGMENTS_DEMO=true, which creates the demo super
 * admin if missing and seeds the demo segments idempotently (playground/src/demo.ts). Data lives
 * in playground/.tmp/data.db and survives re-runs. Stays in the foreground until Ctrl-C.
 */
const path = require('path');
const { ROOT, buildPlayground, startPlayground, isPortFree, run } = require('./playground');

const port = Number(process.env.PORT || 1337);
const email = process.env.DEMO_ADMIN_EMAIL || 'admin@segments.demo';
const password = process.env.DEMO_ADMIN_PASSWORD || 'Segments-demo-1';
// Relative paths resolve from playground/ (see playground/config/database.ts).
const dbFile = process.env.DATABASE_FILENAME || '.tmp/data.db';
const dbLabel = path.isAbsolute(dbFile) ? dbFile : path.join('playground', dbFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(message) {
  process.stdout.write(`\n[demo] ${message}\n`);
}

async function main() {
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} is already in use — stop what runs there or pick another: PORT=1338 npm run demo`);
  }

  const started = Date.now();
  step('1/3 building the plugin (npm run build)…');
  await run(npm, ['run', 'build', '--silent'], { cwd: ROOT });

  step('2/3 building the playground app and its admin panel…');
  await buildPlayground();

  // Ctrl-C at any point: stop Strapi gracefully (scripts/playground.js also forwards the signal
  // to Strapi, which runs in its own process group), then exit.
  let server = null;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n[demo] ${signal}: stopping…\n`);
      (server ? server.stop() : Promise.resolve()).then(() => process.exit(server ? 0 : 130));
    });
  }

  step(`3/3 starting Strapi on port ${port} (SQLite database: ${dbLabel})…`);
  server = await startPlayground({
    port,
    host: process.env.HOST || '0.0.0.0',
    dbFile,
    output: 'inherit',
    env: {
      SEGMENTS_DEMO: 'true',
      DEMO_ADMIN_EMAIL: email,
      DEMO_ADMIN_PASSWORD: password,
      LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    },
  });

  const line = '─'.repeat(64);
  process.stdout.write(
    [
      '',
      line,
      `  strapi-plugin-segments demo is running (ready in ${Math.round((Date.now() - started) / 1000)} s)`,
      '',
      `  URL:            ${server.url}`,
      `  Admin panel:    ${server.adminUrl}`,
      `  Segments page:  ${server.adminUrl}/plugins/segments`,
      '',
      `  Admin login:    ${email}`,
      `  Password:       ${password}`,
      '',
      `  Data: ${dbLabel} (kept between runs; delete it to start over)`,
      '  Press Ctrl-C to stop.',
      line,
      '',
    ].join('\n'),
  );

  const { code, signal } = await server.exited;
  if (!stopping) {
    process.stderr.write(`[demo] Strapi stopped unexpectedly (${signal ?? `exit code ${code}`})\n`);
    process.exit(code || 1);
  }
}

main().catch((error) => {
  process.stderr.write(`\n[demo] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
