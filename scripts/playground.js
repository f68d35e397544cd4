'use strict';
/**
 * Helpers to build and run the playground app as a real `strapi start` process, shared by
 * `npm run demo` (scripts/demo.js) and the e2e tier (test/e2e/global-setup.ts).
 *
 * - buildPlayground(): `strapi build` in playground/ (TypeScript + admin panel → playground/dist).
 *   The plugin itself must already be built (the npm scripts run `npm run build` first).
 * - startPlayground(): spawns `strapi start` in its own process group, waits until /_health
 *   answers, and returns { url, adminUrl, pid, stop() }.
 * - freePort(), isPortFree(): TCP port helpers.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const PLAYGROUND_DIR = path.join(ROOT, 'playground');
const PLAYGROUND_DIST = path.join(PLAYGROUND_DIR, 'dist');
const ADMIN_BUILD_DIR = path.join(PLAYGROUND_DIST, 'build');

/** The `strapi` CLI entry point, resolved the way the playground resolves @strapi/strapi. */
function strapiCli() {
  const manifestPath = require.resolve('@strapi/strapi/package.json', { paths: [PLAYGROUND_DIR] });
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.strapi;
  return path.resolve(path.dirname(manifestPath), bin);
}

function log(message) {
  process.stdout.write(`[playground] ${message}\n`);
}

/** Runs a command to completion; rejects with its exit code (and output tail when piped). */
function run(command, args, options = {}) {
  const { onOutput, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...spawnOptions });
    if (onOutput) {
      child.stdout?.setEncoding('utf8').on('data', (text) => onOutput(text, process.stdout));
      child.stderr?.setEncoding('utf8').on('data', (text) => onOutput(text, process.stderr));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/**
 * `strapi build` in playground/: compiles the app's TypeScript and bundles the admin panel with
 * the plugin's admin code. Skipped when SKIP_PLAYGROUND_BUILD=1 (then an existing build is
 * required). Resolves with the duration in milliseconds (0 when skipped).
 *
 * `onServerReady`, when given, is called as soon as the server side is built (TypeScript compiled
 * and the build context made — `strapi build` prints a line after each), while the admin panel is
 * still bundling: from then on the build only writes into dist/build, so Strapi may boot from
 * dist/ alongside it (the demo seeds its shop meanwhile). The admin build folder is created first
 * because Strapi picks the folder it serves the admin from once, at boot. If the marker lines never
 * show (another Strapi version), it is called when the whole build is done.
 */
async function buildPlayground({ env = {}, onServerReady } = {}) {
  if (process.env.SKIP_PLAYGROUND_BUILD === '1') {
    if (!fs.existsSync(path.join(ADMIN_BUILD_DIR, 'index.html'))) {
      throw new Error(`SKIP_PLAYGROUND_BUILD=1 but there is no admin build at ${ADMIN_BUILD_DIR}`);
    }
    log('SKIP_PLAYGROUND_BUILD=1: using the existing build in playground/dist');
    onServerReady?.();
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` at the repository root first.');
  }
  log('building the playground (TypeScript + admin panel) with `strapi build` — about a minute…');
  const started = Date.now();
  let serverReady = false;
  let recent = '';
  const announceServerReady = () => {
    if (serverReady || !onServerReady) return;
    serverReady = true;
    fs.mkdirSync(ADMIN_BUILD_DIR, { recursive: true });
    onServerReady();
  };
  await run(process.execPath, [strapiCli(), 'build'], {
    cwd: PLAYGROUND_DIR,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    ...(onServerReady
      ? {
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its progress lines (ora) go to stderr.
          onOutput: (text, stream) => {
            stream.write(text);
            // Chunks may split a line: look at the tail of what came so far.
            recent = (recent + text).slice(-400);
            if (/✔ Building build context/.test(recent)) announceServerReady();
          },
        }
      : {}),
  });
  announceServerReady();
  const ms = Date.now() - started;
  log(`playground built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

function isPortFree(port, host = '0.0.0.0') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves with the status code, or null when nothing answers. */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Live child process groups started here. They run detached (so a terminal's Ctrl-C does not
 * reach them directly), hence they get SIGKILL when this process exits and — unless the caller
 * opts out — SIGTERM (Strapi's graceful shutdown) when this process gets SIGINT/SIGTERM/SIGHUP.
 */
const live = new Set();
let exitHookInstalled = false;
let signalHookInstalled = false;
function installHooks({ onSignals }) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
    });
  }
  if (onSignals && !signalHookInstalled) {
    signalHookInstalled = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      const onSignal = () => {
        for (const pid of live) killGroup(pid, 'SIGTERM');
        // If nobody else handles the signal, keep its default meaning: terminate this process.
        // (Strapi finishes its graceful shutdown on its own.)
        if (process.listenerCount(signal) === 1) {
          live.clear();
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
        }
      };
      process.on(signal, onSignal);
    }
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Starts `strapi start` in playground/ (which must be built) and waits for GET /_health → 204.
 *
 * @param {object}  [options]
 * @param {number}  [options.port]     defaults to a free port
 * @param {string}  [options.host]     interface to bind, default 127.0.0.1
 * @param {object}  [options.env]      extra environment for Strapi (e.g. SEGMENTS_DEMO)
 * @param {string}  [options.dbFile]   SQLite file: absolute, or relative to playground/
 * @param {'inherit'|'pipe'} [options.output] 'inherit' streams Strapi's logs to this terminal;
 *                                     'pipe' (default) keeps them in logFile / in memory
 * @param {string}  [options.logFile]  with output 'pipe': also append the logs to this file
 * @param {number}  [options.timeoutMs] how long to wait for the health check, default 120 s
 * @param {boolean} [options.killOnSignal] SIGTERM Strapi when this process gets SIGINT, SIGTERM or
 *                                     SIGHUP (default true)
 */
async function startPlayground(options = {}) {
  const {
    host = '127.0.0.1',
    env = {},
    dbFile,
    output = 'pipe',
    logFile,
    timeoutMs = 120_000,
    killOnSignal = true,
  } = options;
  const port = options.port ?? (await freePort());
  if (!fs.existsSync(path.join(PLAYGROUND_DIST, 'src', 'index.js'))) {
    throw new Error('The playground is not built (no playground/dist/src/index.js): run buildPlayground() first.');
  }

  const childEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: host,
    PORT: String(port),
    // Telemetry is a network call nobody asked for in a test or a demo.
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'none',
    ...(dbFile ? { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: dbFile } : {}),
    ...env,
  };

  installHooks({ onSignals: killOnSignal });
  const child = spawn(process.execPath, [strapiCli(), 'start'], {
    cwd: PLAYGROUND_DIR,
    env: childEnv,
    // Own process group, so stop() can signal Strapi and anything it spawned in one go.
    detached: true,
    stdio: output === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  live.add(pid);

  let tail = '';
  let logStream = null;
  if (output !== 'inherit') {
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      logStream = fs.createWriteStream(logFile, { flags: 'a' });
    }
    const collect = (chunk) => {
      tail = (tail + chunk.toString()).slice(-8000);
      logStream?.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  }

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(pid);
      logStream?.end();
      resolve(exited);
    });
  });

  let stopping = null;
  const stop = (graceMs = 10_000) => {
    if (stopping) return stopping;
    stopping = (async () => {
      if (exited) return;
      killGroup(pid, 'SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([exitPromise, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        killGroup(pid, 'SIGKILL');
        await exitPromise;
      }
      // Strapi may have spawned helpers that outlive it; make sure the group is gone.
      killGroup(pid, 'SIGKILL');
    })();
    return stopping;
  };

  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const healthUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/_health`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(
        `strapi start exited before it was ready (${exited.signal ?? `exit code ${exited.code}`})` +
          (tail ? `\n--- last output ---\n${tail}` : ''),
      );
    }
    if ((await probe(healthUrl)) === 204) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`strapi start did not answer ${healthUrl} within ${timeoutMs / 1000} s\n${tail}`);
    }
    await sleep(250);
  }

  return { url, adminUrl: `${url}/admin`, port, pid, stop, exited: exitPromise };
}

module.exports = {
  ROOT,
  PLAYGROUND_DIR,
  PLAYGROUND_DIST,
  ADMIN_BUILD_DIR,
  buildPlayground,
  startPlayground,
  freePort,
  isPortFree,
  killGroup,
  run,
};
