import path from 'path';
import fs from 'fs';

import { ensureFresh } from '../../scripts/fresh';

/**
 * Compiles the playground (TypeScript → playground/dist) once for the whole run: test files boot
 * Strapi from that dist in parallel workers, and workers racing to compile it would break it.
 * Tiers started side by side (SQLite and Postgres in .ci/run) share one compile: the lock and the
 * stamp in scripts/fresh.js make the second wait and then reuse it.
 * The plugin itself is built by `npm run build` before jest starts (see package.json scripts).
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'server', 'index.js'))) {
    throw new Error(
      'The plugin is not built: run `npm run build` first (npm test does it for you).'
    );
  }
  const appDir = path.join(root, 'playground');
  const distDir = path.join(appDir, 'dist');
  await ensureFresh({
    name: 'playground-compile',
    inputs: [
      'playground/src',
      'playground/config',
      'playground/types',
      'playground/tsconfig.json',
      'playground/package.json',
    ],
    // Inside dist: `strapi build` / `strapi develop` replace dist, and the stamp goes with it.
    stampFile: path.join(distDir, '.compile-stamp'),
    check: () =>
      fs.existsSync(path.join(distDir, 'config', 'plugins.js')) &&
      fs.existsSync(path.join(distDir, 'src')),
    build: async () => {
      const { compileStrapi } = await import('@strapi/strapi');
      await compileStrapi({ appDir, ignoreDiagnostics: false });
    },
  });
}
