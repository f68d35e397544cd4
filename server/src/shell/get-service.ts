import type { Core } from '@strapi/strapi';

/**
 * The plugin's services by name. Empty here on purpose: each domain's service file adds its own
 * entry by declaration merging (`declare module '../shell/get-service'`), so this accessor
 * imports no domain and the services that call each other through it form no import circle.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PluginServices {}

/** Typed access to one of this plugin's services. */
export function getService<K extends keyof PluginServices>(
  strapi: Core.Strapi,
  name: K
): PluginServices[K] {
  return strapi.plugin('segments').service(name) as PluginServices[K];
}
