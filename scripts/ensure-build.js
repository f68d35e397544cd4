#!/usr/bin/env node
'use strict';
/**
 * `npm run build` unless dist/ was built from exactly these sources (see scripts/fresh.js).
 * Every test tier starts with it, so CI builds the plugin once however many tiers run.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, ensureFresh } = require('./fresh');

const PLUGIN_BUILD_INPUTS = [
  'server/src',
  'admin/src',
  'client/src',
  'server/tsconfig.json',
  'server/tsconfig.build.json',
  'admin/tsconfig.json',
  'admin/tsconfig.build.json',
  'client/tsconfig.json',
  'package.json',
  'package-lock.json',
  'scripts/build-client.js',
];

ensureFresh({
  name: 'plugin-build',
  inputs: PLUGIN_BUILD_INPUTS,
  stampFile: path.join(ROOT, 'dist', '.build-stamp'),
  check: () =>
    ['server/index.js', 'admin/index.js', 'client/segments.min.js'].every((f) =>
      fs.existsSync(path.join(ROOT, 'dist', f))
    ),
  build: () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0)
      throw new Error(`npm run build failed (${result.status ?? result.signal})`);
  },
}).catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
