import { getTranslation } from './utils/getTranslation';
import { PLUGIN_ID } from './pluginId';
import { Initializer } from './components/Initializer';
import { PluginIcon } from './components/PluginIcon';
import { PERMISSIONS } from './permissions';
import { stripInjectedTargeting, targetingCheckbox } from './utils/targeting';
import { TargetingPanel } from './targeting/TargetingPanel';
import { addTargetingColumn } from './targeting/TargetingListCell';
import { hideInjectedFields } from './targeting/fields';
import { registerPersonalisedField } from './field-variants/register';

import type { StrapiApp } from '@strapi/strapi/admin';

const plugin: StrapiApp['appPlugins'][string] = {
  register(app) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: {
        id: `${PLUGIN_ID}.plugin.name`,
        defaultMessage: 'Segments',
      },
      Component: () => import('./pages/App'),
      permissions: PERMISSIONS.read,
    });

    app.registerPlugin({
      id: PLUGIN_ID,
      initializer: Initializer,
      isReady: false,
      name: PLUGIN_ID,
    });

    registerPersonalisedField(app);
  },

  bootstrap(app: { getPlugin(id: string): unknown; registerHook(name: string, fn: (...args: never[]) => unknown): void }) {
    // Content Manager: a targeting side panel, a list column, and the raw injected fields hidden.
    const cm = app.getPlugin('content-manager') as
      | { apis?: { addEditViewSidePanel?(panels: unknown[]): void } }
      | undefined;
    cm?.apis?.addEditViewSidePanel?.([TargetingPanel]);
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addTargetingColumn);
    app.registerHook('Admin/CM/pages/EditView/mutate-edit-view-layout', hideInjectedFields);

    // Opt-in per content type from the Content-Type Builder (writes pluginOptions.segments.enabled).
    const ctb = app.getPlugin('content-type-builder') as
      | {
          apis?: {
            forms?: {
              addContentTypeSchemaMutation(cb: (next: object, prev: object) => object): void;
              extendContentType(options: {
                form: { advanced(): object[]; base?(): object[] };
              }): void;
            };
          };
        }
      | undefined;
    const forms = ctb?.apis?.forms;
    if (!forms) return;
    forms.addContentTypeSchemaMutation((next) => stripInjectedTargeting(next as Record<string, unknown>));
    forms.extendContentType({ form: { advanced: () => [targetingCheckbox], base: () => [] } });
  },

  registerTrads({ locales }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as {
            default: Record<string, string>;
          };

          const newData: Record<string, string> = {};
          const keys = Object.keys(data);

          for (const key of keys) {
            newData[getTranslation(key)] = data[key];
          }

          return { data: newData, locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

export default plugin;
