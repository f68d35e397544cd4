// The client compiles without DOM or Node typings (it runs in both and at the edge); these two
// timers are everywhere.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(id: unknown): void;
