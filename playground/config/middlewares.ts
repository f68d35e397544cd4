export default [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  {
    name: 'strapi::cors',
    config: {
      // Strapi's defaults plus the two headers the storefront client sends (docs/client.md):
      // without them a storefront on another origin fails its CORS preflight.
      headers: ['Content-Type', 'Authorization', 'Origin', 'Accept', 'X-Segments-Anonymous-Id', 'X-Segments-Timezone'],
    },
  },
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
