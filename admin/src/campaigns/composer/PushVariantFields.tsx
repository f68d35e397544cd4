import { Field, Textarea } from '@strapi/design-system';
import type { CampaignVariant } from '../../api/contracts';
import { useT } from '../../utils/useT';
import { Text } from './fields';
import type { ErrorFor } from './useComposer';

/** A push variant: the notification's title, text, icon, image and the page a click opens. */
export const PushVariantFields = ({
  variant,
  index,
  setVariant,
  errorFor,
}: {
  variant: CampaignVariant;
  index: number;
  setVariant: (i: number, patch: Partial<CampaignVariant>) => void;
  errorFor: ErrorFor;
}) => {
  const t = useT();
  const path = (field: string) => `variants.${index}.${field}`;
  return (
    <>
      <Text
        label={t('campaigns.variant.pushTitle', 'Title')}
        required
        value={variant.title ?? ''}
        onChange={(x) => setVariant(index, { title: x })}
        error={errorFor(path('title'))}
        hint={t('campaigns.variant.pushHint', 'Plain text with Liquid, e.g. {examples}', {
          examples: '{{ traits.first_name }}',
        })}
      />
      <Field.Root error={errorFor(path('body'))} required>
        <Field.Label>{t('campaigns.variant.pushBody', 'Text')}</Field.Label>
        <Textarea
          rows={3}
          value={variant.body ?? ''}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
            setVariant(index, { body: e.target.value })
          }
        />
        <Field.Error />
      </Field.Root>
      <Text
        label={t('campaigns.variant.pushUrl', 'Opens on click')}
        value={variant.url ?? ''}
        onChange={(x) => setVariant(index, { url: x })}
        error={errorFor(path('url'))}
      />
      <Text
        label={t('campaigns.variant.pushIcon', 'Icon URL')}
        value={variant.icon ?? ''}
        onChange={(x) => setVariant(index, { icon: x })}
        error={errorFor(path('icon'))}
      />
      <Text
        label={t('campaigns.variant.pushImage', 'Image URL')}
        value={variant.image ?? ''}
        onChange={(x) => setVariant(index, { image: x })}
        error={errorFor(path('image'))}
      />
    </>
  );
};
