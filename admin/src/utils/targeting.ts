/**
 * Content-Type Builder integration of segment targeting (like i18n's "Localization" checkbox).
 * The server injects `segmentsTargets`/`segmentsPriority` into enabled types at runtime; the
 * CTB receives them with the rest of the schema, so before it saves a schema we drop them
 * again: they must never be written into the app's schema.json (disabling would leave them).
 */
interface CtbAttribute {
  name?: string;
  pluginOptions?: { segments?: { injected?: boolean } };
  [key: string]: unknown;
}

interface CtbSchema {
  attributes?: CtbAttribute[] | Record<string, CtbAttribute>;
  [key: string]: unknown;
}

const injected = (attribute: CtbAttribute | undefined) => attribute?.pluginOptions?.segments?.injected === true;

export function stripInjectedTargeting<T extends CtbSchema>(nextSchema: T): T {
  const attributes = nextSchema.attributes;
  if (!attributes) return nextSchema;
  if (Array.isArray(attributes)) {
    return { ...nextSchema, attributes: attributes.filter((a) => !injected(a)) };
  }
  const kept = Object.fromEntries(Object.entries(attributes).filter(([, a]) => !injected(a)));
  return { ...nextSchema, attributes: kept };
}

/** The checkbox in the CTB's advanced settings of a content type. */
export const targetingCheckbox = {
  name: 'pluginOptions.segments.enabled',
  type: 'checkbox',
  intlLabel: { id: 'segments.ctb.enabled.label', defaultMessage: 'Segment targeting' },
  description: {
    id: 'segments.ctb.enabled.description',
    defaultMessage:
      'Editors can target entries at segments; the content API returns each visitor only what is meant for them',
  },
};
