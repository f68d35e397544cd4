import type { StrapiApp } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import { PluginIcon } from '../components/PluginIcon';
import { FIELD_NAME, KINDS } from '../../../server/src/field-variants/value';

const KIND_LABELS: Record<(typeof KINDS)[number], string> = {
  string: 'Short text',
  text: 'Long text',
  richtext: 'Rich text (Markdown)',
  number: 'Number',
  boolean: 'Boolean',
  media: 'Media (one file)',
  json: 'JSON',
};

type CustomFieldsApi = StrapiApp['customFields'];

/**
 * "Personalised value": a JSON-backed custom field whose inner kind is chosen when the field is
 * added (Content-Type Builder → Custom → Personalised value). The server registers the same name.
 */
export function registerPersonalisedField(app: { customFields: CustomFieldsApi }): void {
  // Strapi's types list only root-level option names, but its runtime requires `options.*` names
  // for a custom field's own options (and passes the Input the field props), hence the cast.
  const field = {
    name: FIELD_NAME,
    pluginId: PLUGIN_ID,
    type: 'json',
    icon: PluginIcon,
    intlLabel: { id: `${PLUGIN_ID}.field.label`, defaultMessage: 'Personalised value' },
    intlDescription: {
      id: `${PLUGIN_ID}.field.description`,
      defaultMessage: 'A default value and one variant per segment; each visitor gets theirs',
    },
    components: { Input: async () => import('./PersonalisedInput') },
    options: {
      base: [
        {
          sectionTitle: null,
          items: [
            {
              name: 'options.kind',
              type: 'select',
              intlLabel: { id: `${PLUGIN_ID}.field.kind`, defaultMessage: 'Kind of value' },
              description: {
                id: `${PLUGIN_ID}.field.kind.description`,
                defaultMessage:
                  'What the default and every variant hold (cannot change once content exists)',
              },
              defaultValue: 'string',
              options: KINDS.map((kind) => ({
                key: kind,
                value: kind,
                metadatas: {
                  intlLabel: {
                    id: `${PLUGIN_ID}.field.kind.${kind}`,
                    defaultMessage: KIND_LABELS[kind],
                  },
                },
              })),
            },
          ],
        },
      ],
      advanced: [
        {
          sectionTitle: null,
          items: [
            {
              name: 'options.experiments',
              type: 'checkbox',
              intlLabel: { id: `${PLUGIN_ID}.field.experiments`, defaultMessage: 'Experiments' },
              description: {
                id: `${PLUGIN_ID}.field.experiments.description`,
                defaultMessage:
                  'A variant may split its segment’s members by weight (A/B test with exposure logging)',
              },
            },
          ],
        },
      ],
    },
  };
  app.customFields.register(field as unknown as Parameters<CustomFieldsApi['register']>[0]);
}
