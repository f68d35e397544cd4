import type { Core } from '@strapi/strapi';
import type { Services } from '../services';

/** Typed access to this plugin's services. */
export function getService<K extends keyof Services>(strapi: Core.Strapi, name: K): Services[K] {
  return strapi.plugin('segments').service(name) as Services[K];
}
