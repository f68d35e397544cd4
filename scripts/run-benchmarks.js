#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: runs every bench/*.bench.ts (or those whose name contains argv[2]) one after
 * another — benchmarks share 2 cores, so never in parallel. Each default-exports
 * `run(): Promise<BenchResult[]>`; every result is printed as
 *   name: value unit (baseline: value, ratio: r)
 * and all of them are written to bench/results/<timestamp>.json (ignored by git).
 */
const fs = require('fs');
const path = require('path');
const os = require('os');

require('tsx/cjs');

// Strapi's telemetry posts usage events from the request path (and, offline, retries TLS
// connections): on in a benchmark it taxes only the HTTP side of an HTTP-vs-baseline ratio.
process.env.STRAPI_TELEMETRY_DISABLED = 'true';

const BENCH_DIR = path.resolve(__dirname, '..', 'bench');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

const fmt = (n) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

async function main() {
  const filter = process.argv[2] ?? '';
  const files = fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches "${filter}" in ${BENCH_DIR}`);
  const all = [];
  let missed = 0;
  for (const file of files) {
    process.stdout.write(`# ${file}\n`);
    const mod = require(path.join(BENCH_DIR, file));
    const run = mod.default?.run ?? mod.run ?? mod.default;
    const results = await run();
    for (const r of results) {
      const target =
        r.target === undefined ? '' : `, target: ${r.better === 'higher' ? '>=' : '<='} ${r.target}`;
      const met =
        r.target === undefined ? true : r.better === 'higher' ? r.ratio >= r.target : r.ratio <= r.target;
      if (!met) missed += 1;
      process.stdout.write(
        `${r.name}: ${fmt(r.value)} ${r.unit} (baseline: ${fmt(r.baseline)}, ratio: ${r.ratio.toFixed(2)}${target})${met ? '' : ' MISSED'}\n`,
      );
      all.push({ file, ...r, met });
    }
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    out,
    JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results: all }, null, 2),
  );
  process.stdout.write(`results written to ${path.relative(process.cwd(), out)}\n`);
  if (missed) process.stdout.write(`${missed} result(s) missed their target\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
