#!/usr/bin/env node
'use strict';
/**
 * Runs a command against a private PostgreSQL cluster: `node scripts/with-postgres.js jest ...`.
 * Exports DATABASE_CLIENT=postgres and the connection variables; each test file then creates its
 * own database (see test/integration/helpers/strapi.ts). The cluster is stopped afterwards, also
 * when the command fails or the run is interrupted.
 */
const { spawn } = require('child_process');
const path = require('path');
const { startCluster } = require('./postgres-cluster');

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) throw new Error('usage: with-postgres.js <command> [args...]');
  const cluster = await startCluster();
  process.stdout.write(`[with-postgres] private cluster on 127.0.0.1:${cluster.port}\n`);
  let stopped = false;
  const stop = () => {
    if (!stopped) {
      stopped = true;
      cluster.stop();
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stop();
      process.exit(130);
    });
  }
  const binDir = path.resolve(__dirname, '..', 'node_modules', '.bin');
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: cluster.host,
      DATABASE_PORT: String(cluster.port),
      DATABASE_USERNAME: cluster.user,
      DATABASE_PASSWORD: '',
      DATABASE_NAME: 'postgres',
    },
  });
  child.on('exit', (code, signal) => {
    stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
