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
    // Boot-time baseline without the plugin: its "Personalised value" fields are stored as JSON
    // (Strapi refuses a custom field whose plugin is not loaded).
    if (!enabled) {
      for (const model of [...Object.values(strapi.contentTypes), ...Object.values(strapi.components)]) {
        for (const attribute of Object.values(model.attributes) as Array<Record<string, unknown>>) {
          if (attribute.customField === 'plugin::segments.personalised') attribute.type = 'json';
        }
      }
    }
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    if (process.env.SEGMENTS_DEMO === 'true') {
      await ensureDemoAdmin(strapi);
      await seedDemo(strapi);
    }
  },
};
