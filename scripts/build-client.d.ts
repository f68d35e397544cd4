/** Types of scripts/build-client.js for the tests that call it. */
export function minifiedBundle(): Promise<{ code: Uint8Array; bytes: number; gzipBytes: number }>;
export function build(): Promise<void>;
