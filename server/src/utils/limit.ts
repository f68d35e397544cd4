/**
 * Runs at most `concurrency` of the started tasks at once. A few lines, so no dependency: the
 * dispatcher needs only this, and p-limit is ESM-only (the server bundle is CommonJS).
 */
export function limiter(concurrency: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finished task hands its slot straight to the next waiter, so `active` never overshoots.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
