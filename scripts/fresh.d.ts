/** Types of scripts/fresh.js for the TypeScript tests that call it. */
export declare const ROOT: string;
export declare function inputsHash(inputs: string[]): string;
export declare function withLock<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
export declare function ensureFresh(options: {
  name: string;
  inputs: string[];
  stampFile: string;
  build: () => Promise<void> | void;
  check?: () => boolean;
}): Promise<boolean>;
