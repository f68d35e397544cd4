/**
 * Import rules of the plugin (docs/ARCHITECTURE.md, "Layers"). Checked in `npm run lint` and by
 * test/unit/architecture/import-graph.test.ts, which also checks that folders depend on each
 * other one way.
 *
 * Shell files talk to Strapi: the top-level wiring (index, register, bootstrap, destroy, routes,
 * migrations), `shell/`, and in a domain its `service`, `controller` and `routes` files (a large
 * service may be a `service/` folder of parts) and the Strapi hooks named below. Everything else
 * is a pure core or a repository (knex only).
 */
const SHELL =
  '^server/src/([^/]+\\.ts$|shell/|[^/]+/service/|[^/]+/[a-z-]*(service|controller|routes)\\.ts$|[^/]+/(document-guard|write-guard|enforce|hidden-entries|strapi|grant-storefront)\\.ts$)';
const LEAVES = '^server/src/(shell|store|config|contracts|utils|rules|permissions|types)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part into a module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-strapi',
      severity: 'error',
      comment: 'Pure cores and repositories import nothing from Strapi or Koa: take what you need as an argument.',
      from: { path: '^server/src/', pathNot: SHELL },
      to: { path: '(^|node_modules/)(@strapi/|koa($|/))' },
    },
    {
      name: 'core-imports-no-shell',
      severity: 'error',
      comment: 'Cores and repositories sit below services, controllers, routes and Strapi hooks.',
      from: { path: '^server/src/', pathNot: SHELL },
      to: { path: SHELL },
    },
    {
      name: 'services-import-no-controllers',
      severity: 'error',
      comment: 'Controllers call services, never the other way round.',
      from: { path: '^server/src/[^/]+/([a-z-]*service\\.ts$|service/)' },
      to: { path: '^server/src/([^/]+/[a-z-]*(controller|routes)\\.ts$|(index|routes|register|bootstrap)\\.ts$)' },
    },
    {
      name: 'no-other-domains-services',
      severity: 'error',
      comment: "Reach another domain's service through getService (shell/get-service.ts), not by import.",
      from: { path: '^server/src/([^/]+)/' },
      to: {
        path: '^server/src/[^/]+/([a-z-]*(service|controller|routes)\\.ts$|service/)',
        pathNot: ['^server/src/$1/', '^server/src/shell/'],
      },
    },
    {
      name: 'leaves-import-no-domains',
      severity: 'error',
      comment: 'shell/, store/, config/, contracts/, utils/, rules/ and permissions/ are leaves: they import no domain.',
      from: { path: LEAVES },
      to: { path: '^server/src/', pathNot: [LEAVES, '^server/src/[^/]+\\.json$'] },
    },
    {
      name: 'admin-imports-no-server-shell',
      severity: 'error',
      comment:
        'The admin panel may share pure server modules (contracts, validation both sides run), never a shell file: those reach Strapi.',
      from: { path: '^admin/src/' },
      to: { path: SHELL },
    },
    {
      name: 'client-imports-no-server-or-admin',
      severity: 'error',
      comment: 'The storefront client ships to browsers on its own.',
      from: { path: '^client/src/' },
      to: { path: '^(server|admin)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    includeOnly: '^(server|admin|client)/src/|node_modules/(@strapi|koa)',
    reporterOptions: { text: { highlightFocused: true } },
  },
};
