import { Box, Button, Field, Flex, Textarea, Typography } from '@strapi/design-system';
import type { CampaignVariant, PushAction } from '../../api/contracts';
import { useT } from '../../utils/useT';
import { Text } from './fields';
import type { ErrorFor } from './useComposer';

/** Browsers show at most two buttons on a notification (Chrome); the server refuses more. */
const MAX_ACTIONS = 2;

/** The next free action id: `button-1`, `button-2`… (ids are reported with the click). */
const nextActionId = (actions: PushAction[]) => {
  for (let n = 1; ; n++) if (!actions.some((a) => a.action === `button-${n}`)) return `button-${n}`;
};

/** A push variant: the notification's title, text, icon, image, the page a click opens and buttons. */
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
  const actions = variant.actions ?? [];
  const setAction = (i: number, patch: Partial<PushAction>) =>
    setVariant(index, { actions: actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
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
      <Box>
        <Typography variant="sigma" textColor="neutral600" tag="p">
          {t('campaigns.variant.pushActions', 'Buttons')}
        </Typography>
        {errorFor(path('actions')) && (
          <Typography textColor="danger600" variant="pi" tag="p">
            {errorFor(path('actions'))}
          </Typography>
        )}
        {actions.map((a, i) => (
          <Flex
            key={a.action}
            gap={2}
            alignItems="flex-start"
            paddingTop={2}
            data-testid={`push-action-${i}`}
          >
            <Box flex="1">
              <Text
                label={t('campaigns.variant.pushActionTitle', 'Button {n} label', { n: i + 1 })}
                required
                value={a.title}
                onChange={(x) => setAction(i, { title: x })}
                error={errorFor(path(`actions.${i}.title`))}
              />
            </Box>
            <Box flex="1">
              <Text
                label={t('campaigns.variant.pushActionUrl', 'Button {n} opens', { n: i + 1 })}
                value={a.url ?? ''}
                onChange={(x) => setAction(i, { url: x })}
                error={errorFor(path(`actions.${i}.url`))}
              />
            </Box>
            <Box paddingTop={6}>
              <Button
                variant="tertiary"
                onClick={() => setVariant(index, { actions: actions.filter((_, j) => j !== i) })}
              >
                {t('campaigns.variant.pushActionRemove', 'Remove button {n}', { n: i + 1 })}
              </Button>
            </Box>
          </Flex>
        ))}
        {actions.length < MAX_ACTIONS && (
          <Box paddingTop={2}>
            <Button
              variant="secondary"
              onClick={() =>
                setVariant(index, {
                  actions: [...actions, { action: nextActionId(actions), title: '', url: '' }],
                })
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
