#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: builds the plugin, starts MailDev (an SMTP server with a web inbox), builds the
 * playground (admin panel included) and, as soon as its server code is compiled and while its admin
 * panel still bundles, starts Strapi on http://localhost:1337 (PORT honoured) with
 * SEGMENTS_DEMO=true, which creates the demo super admin if missing and seeds the demo shop
 * idempotently (playground/src/demo.ts: CDNOW purchases, 2,000 app users, segments, banners, an
 * experiment, campaigns); then the storefront page (scripts/storefront-server.js) when present.
 * Data lives in playground/.tmp/data.db and survives re-runs. Stays in the foreground until Ctrl-C.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { ROOT, buildPlayground, startPlayground, isPortFree, freePort, killGroup, run } = require('./playground');

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

/** The wanted port if it is free, else any free one. */
async function portOr(wanted) {
  return (await isPortFree(wanted)) ? wanted : freePort();
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on port ${port} after ${timeoutMs / 1000} s`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/**
 * MailDev in a child process (its in-process API installs its own SIGINT handler that exits the
 * process): SMTP for the plugin's campaigns, a web inbox to read what they sent.
 */
async function startMailDev() {
  const smtpPort = await portOr(Number(process.env.DEMO_SMTP_PORT || 1025));
  const webPort = await portOr(Number(process.env.DEMO_MAIL_WEB_PORT || 1080));
  const bin = require.resolve('maildev/bin/maildev', { paths: [ROOT] });
  const child = spawn(process.execPath, [bin, '--smtp', String(smtpPort), '--web', String(webPort), '--ip', '127.0.0.1', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.on('exit', () => killGroup(child.pid, 'SIGKILL'));
  await Promise.all([waitForPort(smtpPort, 30_000), waitForPort(webPort, 30_000)]);
  return { smtpPort, webUrl: `http://localhost:${webPort}`, stop: () => killGroup(child.pid, 'SIGTERM') };
}

/** Newest modification time under a folder (0 when it does not exist). */
function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The plugin's dist is newer than its sources and manifest: a re-run need not rebuild it. */
function pluginBuildIsFresh() {
  const built = path.join(ROOT, 'dist', 'server', 'index.js');
  if (!fs.existsSync(built)) return false;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'server', 'src')),
    newestMtime(path.join(ROOT, 'admin', 'src')),
    fs.statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  return fs.statSync(built).mtimeMs > sources;
}

async function main() {
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} is already in use — stop what runs there or pick another: PORT=1338 npm run demo`);
  }

  const started = Date.now();
  const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(0)} s`;
  let t = Date.now();
  if (pluginBuildIsFresh()) {
    step('1/5 the plugin build in dist/ is newer than its sources: not rebuilding it');
  } else {
    step('1/5 building the plugin (npm run build)…');
    await run(npm, ['run', 'build', '--silent'], { cwd: ROOT });
  }
  const timings = [`plugin build ${seconds(t)}`];

  step('2/5 starting MailDev (SMTP + web inbox)…');
  const mail = await startMailDev();

  // Ctrl-C at any point: stop Strapi gracefully (scripts/playground.js also forwards the signal
  // to Strapi, which runs in its own process group), then exit.
  let server = null;
  let storefront = null;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n[demo] ${signal}: stopping…\n`);
      mail.stop();
      Promise.all([server ? server.stop() : null, storefront ? storefront.close() : null]).then(() => process.exit(server ? 0 : 130));
    });
  }

  // Strapi boots (and seeds the shop, ~35 s on a fresh database) as soon as the playground's
  // server code is compiled, while its admin panel is still bundling: the two overlap.
  // The storefront's port is chosen now: the webhook campaign's URL (its "CRM") points at it.
  const storefrontPort = await portOr(Number(process.env.DEMO_STOREFRONT_PORT || 3000));
  const webhookSecretFile = path.join(ROOT, '.tmp', 'demo-webhook-secret');
  fs.mkdirSync(path.dirname(webhookSecretFile), { recursive: true });
  const startStrapi = () => {
    step(`4/5 starting Strapi on port ${port} (SQLite database: ${dbLabel}) while the admin panel builds; the first run seeds the demo shop…`);
    const bootStarted = Date.now();
    return startPlayground({
      port,
      host: process.env.HOST || '0.0.0.0',
      dbFile,
      output: 'inherit',
      env: {
        SEGMENTS_DEMO: 'true',
        DEMO_ADMIN_EMAIL: email,
        DEMO_ADMIN_PASSWORD: password,
        LOG_LEVEL: process.env.LOG_LEVEL || 'info',
        SEGMENTS_SMTP_HOST: '127.0.0.1',
        SEGMENTS_SMTP_PORT: String(mail.smtpPort),
        SEGMENTS_EMAIL_FROM: 'Demo Shop <news@shop.test>',
        // The demo's webhook receiver runs on this machine: allow it (plain http, loopback).
        SEGMENTS_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
        DEMO_WEBHOOK_URL: `http://127.0.0.1:${storefrontPort}/hooks/crm`,
        DEMO_WEBHOOK_SECRET_FILE: webhookSecretFile,
      },
      // The first boot imports ~120,000 events before Strapi answers.
      timeoutMs: 600_000,
    }).then((running) => {
      timings.push(`Strapi boot + seeding ${seconds(bootStarted)}`);
      return running;
    });
  };

  step('3/5 building the playground app and its admin panel…');
  t = Date.now();
  let strapiStarting = null;
  await buildPlayground({
    onServerReady: () => {
      strapiStarting = startStrapi();
      // Awaited below; a boot failure while the admin still builds must not be an unhandled rejection.
      strapiStarting.catch(() => {});
    },
  });
  timings.push(`app + admin build ${seconds(t)}`);
  server = await strapiStarting;

  // The storefront page is its own module (scripts/storefront-server.js); older checkouts lack it.
  const storefrontModule = path.join(__dirname, 'storefront-server.js');
  step('5/5 starting the storefront page…');
  if (fs.existsSync(storefrontModule)) {
    const { startStorefront } = require(storefrontModule);
    storefront = await startStorefront({ port: storefrontPort, strapiUrl: server.url, webhookSecretFile });
  } else {
    process.stdout.write('[demo] no scripts/storefront-server.js in this checkout: skipping the storefront page\n');
  }

  const line = '─'.repeat(64);
  process.stdout.write(
    [
      '',
      line,
      `  strapi-plugin-segments demo is running (ready in ${Math.round((Date.now() - started) / 1000)} s: ${timings.join(', ')})`,
      '',
      `  Storefront:     ${storefront ? storefront.url : '(not in this checkout)'}`,
      `  Strapi:         ${server.url}`,
      `  Admin panel:    ${server.adminUrl}`,
      `  Segments page:  ${server.adminUrl}/plugins/segments`,
      `  Mail inbox:     ${mail.webUrl}   (MailDev; SMTP on 127.0.0.1:${mail.smtpPort})`,
      `  Content API:    ${server.url}/api/segments/placements/home-hero   (try -H 'X-Segments-Anonymous-Id: demo-user-0010')`,
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
