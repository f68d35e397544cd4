/**
 * The demo storefront (demo/storefront/) on a plain node:http server: the page, its script, the
 * plugin's browser client from dist/client (run `npm run build` first) and a /config.js that
 * tells the page where Strapi is. Used by `npm run demo` and test/e2e/storefront.test.ts.
 *
 *   node scripts/storefront-server.js [--port 3000] [--strapi http://localhost:1337]
 */
const fs = require('fs');
const http = require('http');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const FILES = {
  '/': [path.join(ROOT, 'demo', 'storefront', 'index.html'), 'text/html; charset=utf-8'],
  '/app.js': [path.join(ROOT, 'demo', 'storefront', 'app.js'), 'text/javascript; charset=utf-8'],
  '/segments.min.js': [
    path.join(ROOT, 'dist', 'client', 'segments.min.js'),
    'text/javascript; charset=utf-8',
  ],
  '/segments-inapp.min.js': [
    path.join(ROOT, 'dist', 'client', 'segments-inapp.min.js'),
    'text/javascript; charset=utf-8',
  ],
  // The plugin's service worker, served from the root so its scope is the whole site (Web Push).
  '/segments-sw.js': [
    path.join(ROOT, 'dist', 'client', 'segments-sw.js'),
    'text/javascript; charset=utf-8',
  ],
};

/**
 * The demo shop's "CRM": receives the webhook campaign's requests at POST /hooks/crm, verifies
 * each Standard Webhooks signature (the secret the demo seed wrote to `secretFile`) and lists
 * them at GET /hooks/log for the page.
 */
function crmReceiver(secretFile) {
  const { Webhook } = require('standardwebhooks');
  const received = [];
  return {
    received,
    handle(req, res) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        let reason = '';
        try {
          const secret =
            secretFile && fs.existsSync(secretFile)
              ? fs.readFileSync(secretFile, 'utf8').trim()
              : '';
          if (!secret) throw new Error('no signing secret to check with');
          new Webhook(secret).verify(raw, req.headers);
          verified = true;
        } catch (error) {
          reason = error.message;
        }
        received.unshift({
          id: req.headers['webhook-id'],
          at: new Date().toISOString(),
          verified,
          reason,
          body: raw.slice(0, 2000),
        });
        received.length = Math.min(received.length, 50);
        res
          .writeHead(verified ? 200 : 401, { 'Content-Type': 'text/plain' })
          .end(verified ? 'ok' : reason);
      });
    },
  };
}

/** Starts the storefront; resolves once it listens. `port` 0 (default) picks a free one. */
function startStorefront({ port = 0, host = '127.0.0.1', strapiUrl, webhookSecretFile = null }) {
  const crm = crmReceiver(webhookSecretFile);
  if (!strapiUrl) throw new Error('startStorefront: strapiUrl is required');
  const config = `window.STOREFRONT_CONFIG = ${JSON.stringify({ strapiUrl: strapiUrl.replace(/\/+$/, '') })};\n`;
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url || '/', 'http://storefront').pathname;
    if (pathname === '/hooks/crm' && req.method === 'POST') return crm.handle(req, res);
    if (pathname === '/hooks/log') {
      res
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(crm.received));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/config.js') {
      res
        .writeHead(200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Cache-Control': 'no-store',
        })
        .end(config);
      return;
    }
    const file = FILES[pathname];
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    fs.readFile(file[0], (error, body) => {
      if (error) {
        const hint = file[0].includes(`${path.sep}dist${path.sep}`) ? ' (run `npm run build`)' : '';
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end(`Cannot read ${path.relative(ROOT, file[0])}${hint}`);
        return;
      }
      res
        .writeHead(200, { 'Content-Type': file[1], 'Cache-Control': 'no-store' })
        .end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

module.exports = { startStorefront };

if (require.main === module) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  startStorefront({
    port: Number(arg('port', 3000)),
    host: arg('host', '127.0.0.1'),
    strapiUrl: arg('strapi', process.env.STRAPI_URL || 'http://localhost:1337'),
  }).then(
    ({ url }) => console.log(`storefront: ${url}`),
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
}
