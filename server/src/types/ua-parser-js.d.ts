// ua-parser-js 1.x (MIT) ships no type declarations; only what events/context.ts uses.
declare module 'ua-parser-js' {
  interface UAResult {
    browser: { name?: string; version?: string };
    os: { name?: string; version?: string };
    device: { type?: string; vendor?: string; model?: string };
  }
  function UAParser(ua?: string): UAResult;
  export = UAParser;
}
