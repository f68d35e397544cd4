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
// The default in-app renderer: its own entry, so a site with its own UI (or none) ships none of it.
const INAPP_ENTRY = path.join(ROOT, 'client', 'src', 'inapp.ts');
// Old enough for every browser that has fetch keepalive; Node 18 and edge runtimes read it too.
const TARGET = 'es2019';

/** The minified browser bundle in memory, with its gzip size (the number the size budget checks). */
async function minifiedBundle(entry = ENTRY, globalName = 'Segments') {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName,
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
  const inapp = { ...common, entryPoints: [INAPP_ENTRY] };
  await esbuild.build({ ...inapp, format: 'esm', outfile: path.join(OUT, 'inapp.mjs') });
  await esbuild.build({ ...inapp, format: 'cjs', outfile: path.join(OUT, 'inapp.js') });
  const renderer = await inappBundle();
  fs.writeFileSync(path.join(OUT, 'segments-inapp.min.js'), renderer.code);
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
  console.log(
    `client: dist/client built; segments.min.js ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzipped; ` +
      `segments-inapp.min.js ${renderer.bytes} B, ${renderer.gzipBytes} B gzipped`
  );
}

/** The in-app renderer for a <script> tag (`window.SegmentsInapp.showMessages`). */
const inappBundle = () => minifiedBundle(INAPP_ENTRY, 'SegmentsInapp');

module.exports = { minifiedBundle, inappBundle, build };

if (require.main === module) {
  build().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
