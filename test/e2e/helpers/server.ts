import fs from 'fs';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const E2E_TMP = path.join(ROOT, '.tmp', 'e2e');
export const ARTIFACTS_DIR = path.join(ROOT, 'test', 'e2e', 'artifacts');

/** What global-setup hands to the tests: a JSON file named by SEGMENTS_E2E_STATE. */
export interface E2EServerState {
  url: string;
  pid: number;
  dbFile: string;
  logFile: string;
  admin: { email: string; password: string };
  /** The playground sends campaign e-mail to a real SMTP sink that writes messages here. */
  mailDir: string;
}

/** Per-run files are named after the jest process, so concurrent runs do not collide. */
export function runFiles(runnerPid: number) {
  return {
    state: path.join(E2E_TMP, `run-${runnerPid}.json`),
    db: path.join(E2E_TMP, `run-${runnerPid}.db`),
    log: path.join(E2E_TMP, `run-${runnerPid}.log`),
    /** Messages received by the SMTP sink (helpers/mail-sink.ts). */
    mail: path.join(E2E_TMP, `run-${runnerPid}.mail`),
  };
}

export function readServerState(): E2EServerState {
  const file = process.env.SEGMENTS_E2E_STATE;
  if (!file || !fs.existsSync(file)) {
    throw new Error('No e2e server: run the e2e tier with `npm run test:e2e` (its global setup starts Strapi).');
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as E2EServerState;
}

export function removeSqliteFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** Deletes files left by earlier runs that were killed before their teardown (dead runner pid). */
export function removeStaleRunFiles(): void {
  if (!fs.existsSync(E2E_TMP)) return;
  for (const name of fs.readdirSync(E2E_TMP)) {
    const match = /^run-(\d+)\./.exec(name);
    if (match && !isAlive(Number(match[1]))) fs.rmSync(path.join(E2E_TMP, name), { force: true, recursive: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
