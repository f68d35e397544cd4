/** Typed view of scripts/playground.js (plain CommonJS shared with `npm run demo`). */
export interface RunningPlayground {
  url: string;
  adminUrl: string;
  port: number;
  pid: number;
  stop(graceMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface PlaygroundScripts {
  buildPlayground(options?: { env?: Record<string, string> }): Promise<number>;
  startPlayground(options?: {
    port?: number;
    host?: string;
    env?: Record<string, string>;
    dbFile?: string;
    output?: 'inherit' | 'pipe';
    logFile?: string;
    timeoutMs?: number;
    killOnSignal?: boolean;
  }): Promise<RunningPlayground>;
  freePort(): Promise<number>;
  killGroup(pid: number, signal: NodeJS.Signals): boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const playground = require('../../../scripts/playground.js') as PlaygroundScripts;
