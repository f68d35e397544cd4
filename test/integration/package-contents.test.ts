import { execFileSync } from 'child_process';
import path from 'path';
import pkg from '../../package.json';
import { ROOT } from './helpers/strapi';

/** What `npm publish` would ship: the built plugin and its entry files, nothing of the repo's tooling. */
describe('the npm package', () => {
  const files: string[] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )[0].files.map((f: { path: string }) => f.path);

  it('contains the built server, admin and storefront client, the entry files, README and LICENSE', () => {
    for (const required of [
      'dist/server/index.js',
      'dist/server/index.mjs',
      'dist/admin/index.js',
      'dist/admin/index.mjs',
      'dist/client/index.mjs',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/client/types.d.ts',
      'dist/client/segments.min.js',
      'dist/client/segments-sw.js',
      'dist/client/inapp.mjs',
      'dist/client/inapp.js',
      'dist/client/inapp.d.ts',
      'dist/client/segments-inapp.min.js',
      'strapi-server.js',
      'strapi-admin.js',
      'package.json',
      'README.md',
      'LICENSE',
    ]) {
      expect(files).toContain(required);
    }
  });

  it('ships no playground, tests, benchmarks, scripts or sources', () => {
    const leaked = files.filter((f) =>
      /^(playground|test|bench|scripts|server|admin|docs|\.ci|\.tmp)\//.test(f),
    );
    expect(leaked).toEqual([]);
  });

  it('resolves its declared entry points', () => {
    expect(pkg.strapi).toMatchObject({ kind: 'plugin', name: 'segments' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS entry as Strapi loads it
    expect(require(path.join(ROOT, 'strapi-server.js'))).toHaveProperty('default.bootstrap');
    // The storefront client through its subpath export, required and imported as a shop would
    // (Node resolves a package's own name from inside it, through the same `exports` map).
    const script = `
      const cjs = require('strapi-plugin-segments/client');
      import('strapi-plugin-segments/client').then((esm) => {
        console.log(typeof cjs.createClient, typeof esm.createClient);
      });`;
    expect(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe('function function');
    const exportsMap = pkg.exports as Record<string, unknown>;
    expect(exportsMap['./client']).toMatchObject({ types: './dist/client/index.d.ts' });
  });
});
