import type { Core } from '@strapi/strapi';
import { ensureDemoAdmin, seedDemo } from './demo';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // Strapi silently boots without a plugin whose dist/ is missing; the playground exists to run
    // the plugin, so that must be a loud failure rather than a half-working app.
    const enabled = process.env.SEGMENTS_ENABLED !== 'false';
    if (enabled && !strapi.plugin('segments')) {
      throw new Error(
        'strapi-plugin-segments is not loaded. Build it first (`npm run build` at the repository root) — Strapi loads the plugin from its dist/ folder.',
      );
    }
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    if (process.env.SEGMENTS_DEMO === 'true') {
      await ensureDemoAdmin(strapi);
      await seedDemo(strapi);
    }
  },
};
