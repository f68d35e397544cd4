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

  it('contains the built server and admin, the entry files, README and LICENSE', () => {
    for (const required of [
      'dist/server/index.js',
      'dist/server/index.mjs',
      'dist/admin/index.js',
      'dist/admin/index.mjs',
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
  });
});
