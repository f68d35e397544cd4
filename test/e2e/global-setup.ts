import fs from 'fs';
import path from 'path';
import { startMailSink } from './helpers/mail-sink';
import { playground, type RunningPlayground } from './helpers/playground';
import { E2E_TMP, ROOT, removeSqliteFile, removeStaleRunFiles, runFiles, type E2EServerState } from './helpers/server';

declare global {
  // Shared with global-teardown.ts, which jest runs in this same process.
  var __SEGMENTS_E2E_SERVER__: RunningPlayground | undefined;
  var __SEGMENTS_E2E_MAIL__: { close(): Promise<void> } | undefined;
}

/**
 * Builds the playground (TypeScript + admin panel, once per run), starts it with `strapi start`
 * on a free port against a fresh SQLite file with SEGMENTS_DEMO=true (demo super admin + 3 demo
 * segments), and hands it to the tests through a state file named by SEGMENTS_E2E_STATE (set
 * here, before jest spawns workers, so they inherit it). The plugin itself is built by
 * `npm run test:e2e` before jest starts.
 */
export default async function globalSetup(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` first (`npm run test:e2e` does it for you).');
  }
  process.stdout.write('\n');
  await playground.buildPlayground();

  fs.mkdirSync(E2E_TMP, { recursive: true });
  removeStaleRunFiles();
  const files = runFiles(process.pid);
  removeSqliteFile(files.db);
  fs.rmSync(files.log, { force: true });
  fs.rmSync(files.mail, { force: true, recursive: true });
  // Campaign e-mail (test sends, scheduled campaigns) goes to a real SMTP server in this process.
  const mail = await startMailSink(files.mail);
  globalThis.__SEGMENTS_E2E_MAIL__ = mail;
  const admin = { email: 'admin@segments.demo', password: 'Segments-demo-1' };

  const started = Date.now();
  const server = await playground.startPlayground({
    dbFile: files.db,
    logFile: files.log,
    env: {
      SEGMENTS_DEMO: 'true',
      DEMO_ADMIN_EMAIL: admin.email,
      DEMO_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      ADMIN_LOGIN_RATE_MAX: '100',
      SEGMENTS_SMTP_HOST: '127.0.0.1',
      SEGMENTS_SMTP_PORT: String(mail.port),
      // The push test's local push service listens on 127.0.0.1 (plain http).
      SEGMENTS_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    },
  });
  globalThis.__SEGMENTS_E2E_SERVER__ = server;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`[e2e] playground up at ${server.url} in ${seconds} s (log: ${path.relative(ROOT, files.log)})\n`);

  const state: E2EServerState = {
    url: server.url,
    pid: server.pid,
    dbFile: files.db,
    logFile: files.log,
    admin,
    mailDir: files.mail,
  };
  fs.writeFileSync(files.state, JSON.stringify(state, null, 2));
  process.env.SEGMENTS_E2E_STATE = files.state;
}
