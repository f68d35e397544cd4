/**
 * Builds the storefront client (`strapi-plugin-segments/client`) into dist/client/:
 * index.mjs / index.js (bundlers, Node, edge), index.d.ts, and segments.min.js, a minified
 * IIFE (`window.Segments`) for a plain <script> tag. Run by `npm run build` after the plugin build.
 * `strapi-plugin build` also bundles the `./client` export (its schema wants a `source` for every
 * export) for Node 20; this replaces that output with a neutral-platform ES2019 build.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'client');
const ENTRY = path.join(ROOT, 'client', 'src', 'index.ts');
// Old enough for every browser that has fetch keepalive; Node 18 and edge runtimes read it too.
const TARGET = 'es2019';

/** The minified browser bundle in memory, with its gzip size (the number the size budget checks). */
async function minifiedBundle() {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Segments',
    target: TARGET,
    write: false,
  });
  const code = result.outputFiles[0].contents;
  return { code, bytes: code.length, gzipBytes: zlib.gzipSync(code, { level: 9 }).length };
}

async function build() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const common = { entryPoints: [ENTRY], bundle: true, target: TARGET, platform: 'neutral', logLevel: 'warning' };
  await esbuild.build({ ...common, format: 'esm', outfile: path.join(OUT, 'index.mjs') });
  await esbuild.build({ ...common, format: 'cjs', outfile: path.join(OUT, 'index.js') });
  const bundle = await minifiedBundle();
  fs.writeFileSync(path.join(OUT, 'segments.min.js'), bundle.code);
  // The service worker sites serve from their root (Web Push): a classic script, no imports.
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'client', 'src', 'service-worker.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGET,
    outfile: path.join(OUT, 'segments-sw.js'),
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'client', 'tsconfig.json')], {
    stdio: 'inherit',
  });
  console.log(`client: dist/client built; segments.min.js ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzipped`);
}

module.exports = { minifiedBundle, build };

if (require.main === module) {
  build().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
