export default ({ env }: { env: any }) => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // Behind a load balancer, trust its X-Forwarded-For (the GeoIP lookup locates that address).
  proxy: { koa: env.bool('PLAYGROUND_TRUST_PROXY', false) },
  app: {
    // Playground-only fallbacks so `npm run demo` works on a fresh clone. Never reuse in production.
    keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']),
  },
});
