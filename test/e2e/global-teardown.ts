import fs from 'fs';
import { removeSqliteFile, runFiles } from './helpers/server';

/** Stops the Strapi started by global-setup.ts and deletes its database and state file. */
export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__SEGMENTS_E2E_SERVER__;
  if (server) {
    await server.stop();
    globalThis.__SEGMENTS_E2E_SERVER__ = undefined;
  }
  await globalThis.__SEGMENTS_E2E_MAIL__?.close();
  globalThis.__SEGMENTS_E2E_MAIL__ = undefined;
  // The log is kept for post-mortems; the next run's setup removes it.
  const files = runFiles(process.pid);
  removeSqliteFile(files.db);
  fs.rmSync(files.state, { force: true });
  fs.rmSync(files.mail, { force: true, recursive: true });
  delete process.env.SEGMENTS_E2E_STATE;
}
