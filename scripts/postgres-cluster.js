'use strict';
/**
 * A private, throw-away PostgreSQL cluster for tests and benchmarks: initdb in the repository's
 * ignored .tmp folder, a free loopback port, trust auth, stopped (and deleted) when done.
 * initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function findPgBin() {
  const candidates = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    for (const v of fs.readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(path.join(base, v, 'bin'));
    }
  }
  for (const dir of candidates) if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found. Install them (`apt-get install postgresql`) or set PG_BIN.',
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function asPgUser(args) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)];
}

function run(args, opts = {}) {
  const [cmd, rest] = asPgUser(args);
  const result = spawnSync(cmd, rest, { encoding: 'utf8', ...opts });
  if (result.status !== 0) {
    throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

async function startCluster() {
  const bin = findPgBin();
  const tmp = path.join(ROOT, '.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const dir = fs.mkdtempSync(path.join(tmp, 'pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    // The postgres user must be able to reach and own its folders.
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o011);
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  run([path.join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    env: { ...process.env, LC_ALL: 'C' },
  });
  const port = await freePort();
  const logFile = path.join(dir, 'postgres.log');
  const opts = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run([path.join(bin, 'pg_ctl'), '-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
  const stop = () => {
    try {
      run([path.join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch (error) {
      process.stderr.write(String(error) + '\n');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { port, host: '127.0.0.1', user: 'postgres', dir, stop };
}

module.exports = { startCluster };
