import path from 'path';
import fs from 'fs';

/**
 * Compiles the playground (TypeScript → playground/dist) once for the whole run: test files boot
 * Strapi from that dist in parallel workers, and workers racing to compile it would break it.
 * The plugin itself is built by `npm run build` before jest starts (see package.json scripts).
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` first (npm test does it for you).');
  }
  const { compileStrapi } = await import('@strapi/strapi');
  await compileStrapi({ appDir: path.join(root, 'playground'), ignoreDiagnostics: false });
}
