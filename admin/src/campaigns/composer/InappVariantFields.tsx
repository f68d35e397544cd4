import { Box, Button, Field, Flex, Textarea, Typography } from '@strapi/design-system';
import type { CampaignVariant, InappButton, InappLayout, InappTheme } from '../../api/contracts';
import { useT } from '../../utils/useT';
import { Select, Text } from './fields';
import type { ErrorFor } from './useComposer';

/** The server refuses more: a message is a prompt, not a menu. */
const MAX_BUTTONS = 2;

/** An in-app variant: layout and theme, title, Markdown body, image and up to two buttons. */
export const InappVariantFields = ({
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
  const buttons = variant.buttons ?? [];
  const setButton = (i: number, patch: Partial<InappButton>) =>
    setVariant(index, { buttons: buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
  return (
    <>
      <Flex gap={3} alignItems="flex-start" wrap="wrap">
        <Box flex="1" minWidth="160px">
          <Select
            label={t('campaigns.inapp.layout', 'Layout')}
            value={variant.layout ?? 'modal'}
            options={[
              { value: 'modal', label: t('campaigns.inapp.layout.modal', 'Modal') },
              { value: 'slideup', label: t('campaigns.inapp.layout.slideup', 'Slide-up') },
              { value: 'banner-top', label: t('campaigns.inapp.layout.banner', 'Top banner') },
            ]}
            onChange={(v) => setVariant(index, { layout: v as InappLayout })}
            error={errorFor(path('layout'))}
          />
        </Box>
        <Box flex="1" minWidth="160px">
          <Select
            label={t('campaigns.inapp.theme', 'Theme')}
            value={variant.theme ?? 'light'}
            options={[
              { value: 'light', label: t('campaigns.inapp.theme.light', 'Light') },
              { value: 'dark', label: t('campaigns.inapp.theme.dark', 'Dark') },
              {
                value: 'brand',
                label: t('campaigns.inapp.theme.brand', 'Brand (accent background)'),
              },
            ]}
            onChange={(v) => setVariant(index, { theme: v as InappTheme })}
            error={errorFor(path('theme'))}
          />
        </Box>
        <Box flex="1" minWidth="160px">
          <Text
            label={t('campaigns.inapp.accent', 'Accent colour')}
            value={variant.accent ?? ''}
            onChange={(x) => setVariant(index, { accent: x })}
            error={errorFor(path('accent'))}
            hint={t('campaigns.inapp.accentHint', '#rrggbb, for buttons and the brand theme.')}
          />
        </Box>
      </Flex>
      <Text
        label={t('campaigns.inapp.title', 'Title')}
        required
        value={variant.title ?? ''}
        onChange={(x) => setVariant(index, { title: x })}
        error={errorFor(path('title'))}
        hint={t('campaigns.variant.pushHint', 'Plain text with Liquid, e.g. {examples}', {
          examples: '{{ traits.first_name }}',
        })}
      />
      <Field.Root
        error={errorFor(path('body'))}
        hint={t(
          'campaigns.inapp.bodyHint',
          'Markdown with Liquid: **bold**, *italic*, lists and [links](/path). Trait values are escaped; no HTML.'
        )}
      >
        <Field.Label>{t('campaigns.inapp.body', 'Body')}</Field.Label>
        <Textarea
          rows={4}
          value={variant.body ?? ''}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
            setVariant(index, { body: e.target.value })
          }
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      <Flex gap={3} alignItems="flex-start">
        <Box flex="2">
          <Text
            label={t('campaigns.inapp.image', 'Image URL')}
            value={variant.image ?? ''}
            onChange={(x) => setVariant(index, { image: x })}
            error={errorFor(path('image.url')) ?? errorFor(path('image'))}
            hint={t('campaigns.inapp.imageHint', 'A Strapi media URL or any https image.')}
          />
        </Box>
        <Box flex="1">
          <Text
            label={t('campaigns.inapp.imageAlt', 'Image description')}
            value={variant.imageAlt ?? ''}
            onChange={(x) => setVariant(index, { imageAlt: x })}
            error={errorFor(path('image.alt'))}
          />
        </Box>
      </Flex>
      <Box>
        <Typography variant="sigma" textColor="neutral600" tag="p">
          {t('campaigns.inapp.buttons', 'Buttons')}
        </Typography>
        {errorFor(path('buttons')) && (
          <Typography textColor="danger600" variant="pi" tag="p">
            {errorFor(path('buttons'))}
          </Typography>
        )}
        {buttons.map((b, i) => (
          <Flex
            key={i}
            gap={2}
            alignItems="flex-start"
            paddingTop={2}
            data-testid={`inapp-button-${i}`}
          >
            <Box flex="1">
              <Text
                label={t('campaigns.inapp.buttonLabel', 'Button {n} label', { n: i + 1 })}
                required
                value={b.label}
                onChange={(x) => setButton(i, { label: x })}
                error={errorFor(path(`buttons.${i}.label`))}
              />
            </Box>
            <Box flex="1">
              <Text
                label={t('campaigns.inapp.buttonUrl', 'Button {n} opens', { n: i + 1 })}
                value={b.url ?? ''}
                onChange={(x) => setButton(i, { url: x })}
                error={errorFor(path(`buttons.${i}.url`))}
                hint={t('campaigns.inapp.buttonUrlHint', 'Empty: the button closes the message.')}
              />
            </Box>
            <Box flex="1">
              <Text
                label={t('campaigns.inapp.buttonEvent', 'Button {n} event', { n: i + 1 })}
                value={b.event ?? ''}
                onChange={(x) => setButton(i, { event: x })}
                error={errorFor(path(`buttons.${i}.event`))}
              />
            </Box>
            <Box paddingTop={6}>
              <Button
                variant="tertiary"
                onClick={() => setVariant(index, { buttons: buttons.filter((_, j) => j !== i) })}
              >
                {t('campaigns.variant.pushActionRemove', 'Remove button {n}', { n: i + 1 })}
              </Button>
            </Box>
          </Flex>
        ))}
        {buttons.length < MAX_BUTTONS && (
          <Box paddingTop={2}>
            <Button
              variant="secondary"
              onClick={() =>
                setVariant(index, { buttons: [...buttons, { label: '', url: '', event: '' }] })
              }
            >
              {t('campaigns.variant.pushActionAdd', 'Add a button')}
            </Button>
          </Box>
        )}
      </Box>
    </>
  );
};
