'use strict';
/**
 * Build once, reuse while fresh: a stamp (a hash of a build's inputs) written next to its output,
 * and a lock so that tiers started side by side (.ci/run runs them in parallel) never build into
 * the same folder at once. The second tier waits for the first and then finds the stamp fresh.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const LOCK_DIR = path.join(ROOT, '.tmp', 'locks');
// A lock whose holder is gone (a build interrupted with Ctrl-C) is taken over at once; one with
// no pid written yet is given this long to write it (mkdir and the write are two steps).
const PID_GRACE_MS = 5_000;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.tmp', '.cache', 'build']);

function filesUnder(abs) {
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [abs];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => !(e.isDirectory() && SKIPPED_DIRS.has(e.name)))
    .flatMap((e) => filesUnder(path.join(abs, e.name)));
}

/** sha256 over the relative paths and contents of every file under `inputs` (paths from ROOT). */
function inputsHash(inputs) {
  const hash = crypto.createHash('sha256');
  const files = inputs.flatMap((p) => filesUnder(path.join(ROOT, p))).sort();
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function holderIsGone(lock) {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    const stat = fs.statSync(lock, { throwIfNoEntry: false });
    return !stat || Date.now() - stat.mtimeMs > PID_GRACE_MS;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/** Runs `fn` holding the named lock (a directory: mkdir is atomic), waiting for another holder. */
async function withLock(name, fn) {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  const lock = path.join(LOCK_DIR, name);
  for (let announced = false; ; ) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (holderIsGone(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced)
        process.stdout.write(`[fresh] waiting for ${name} (another process holds it)\n`);
      announced = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Rebuilds `output` with `build()` unless its stamp says the inputs are unchanged. Returns true
 * when it built. `check` (optional) must also hold for the output to count as fresh.
 */
async function ensureFresh({ name, inputs, stampFile, build, check = () => true }) {
  return withLock(name, async () => {
    const hash = inputsHash(inputs);
    const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
    if (stamp === hash && check()) {
      process.stdout.write(`[fresh] ${name}: up to date (inputs unchanged since the last build)\n`);
      return false;
    }
    fs.rmSync(stampFile, { force: true });
    await build();
    fs.mkdirSync(path.dirname(stampFile), { recursive: true });
    fs.writeFileSync(stampFile, hash + '\n');
    return true;
  });
}

module.exports = { ROOT, inputsHash, withLock, ensureFresh };
