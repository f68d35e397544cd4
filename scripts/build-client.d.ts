/** Types of scripts/build-client.js for the tests that call it. */
export function minifiedBundle(): Promise<{ code: Uint8Array; bytes: number; gzipBytes: number }>;
/** The default in-app renderer's browser bundle (segments-inapp.min.js). */
export function inappBundle(): Promise<{ code: Uint8Array; bytes: number; gzipBytes: number }>;
export function build(): Promise<void>;
