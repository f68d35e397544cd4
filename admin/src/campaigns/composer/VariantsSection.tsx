import { Box, Button, Field, Flex, IconButton, Textarea, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import type { CampaignVariant } from '../../api/contracts';
import { newVariant } from '../../utils/campaignForm';
import { Num, Section, Text } from './fields';
import { PushVariantFields } from './PushVariantFields';
import { InappVariantFields } from './InappVariantFields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';

/** The A/B variants (Liquid templates) with their weights and share, and the holdout. */
export const VariantsSection = ({
  form,
  set,
  setForm,
  setVariant,
  errorFor,
}: {
  form: Form;
  set: SetField;
  setForm: (update: (f: Form) => Form) => void;
  setVariant: (i: number, patch: Partial<CampaignVariant>) => void;
  errorFor: ErrorFor;
}) => {
  const t = useT();
  // Each variant's share of the audience: weights split what the holdout leaves.
  const weightTotal = form.variants.reduce((sum, v) => sum + (v.weight > 0 ? v.weight : 0), 0) || 1;
  const share = (w: number) =>
    Math.round(((w > 0 ? w : 0) / weightTotal) * (100 - form.holdoutPercent) * 10) / 10;
  return (
    <Section title={t('campaigns.section.variants', 'Variants')} testId="variants">
      {form.variants.map((v, i) => (
        <Box key={i} padding={4} hasRadius borderColor="neutral200" data-testid={`variant-${i}`}>
          <Flex direction="column" alignItems="stretch" gap={3}>
            <Flex gap={3} alignItems="flex-end">
              <Box flex="1">
                <Text
                  label={t('campaigns.variant.name', 'Variant name')}
                  value={v.name}
                  onChange={(x) => setVariant(i, { name: x })}
                  error={errorFor(`variants.${i}.name`)}
                />
              </Box>
              <Box width="140px">
                <Num
                  label={t('campaigns.variant.weight', 'Weight')}
                  value={v.weight}
                  step={1}
                  onChange={(x) => setVariant(i, { weight: x })}
                  error={errorFor(`variants.${i}.weight`)}
                />
              </Box>
              <Box paddingBottom={2}>
                <Typography variant="pi" textColor="neutral600" data-testid="variant-share">
                  {t('campaigns.variant.share', '{share}% of recipients', {
                    share: share(v.weight),
                  })}
                </Typography>
              </Box>
              {form.variants.length > 1 && (
                <IconButton
                  label={t('campaigns.variant.remove', 'Remove variant {name}', {
                    name: v.name,
                  })}
                  onClick={() =>
                    setForm((f) => ({
                      ...f,
                      variants: f.variants.filter((_, j) => j !== i),
                    }))
                  }
                >
                  <Trash />
                </IconButton>
              )}
            </Flex>
            {form.channel === 'push' ? (
              <PushVariantFields variant={v} index={i} setVariant={setVariant} errorFor={errorFor} />
            ) : form.channel === 'inapp' ? (
              <InappVariantFields variant={v} index={i} setVariant={setVariant} errorFor={errorFor} />
            ) : form.channel === 'webhook' ? (
              <Field.Root error={errorFor(`variants.${i}.body`)} required hint={t('campaigns.variant.webhookBodyHint', 'JSON with Liquid; values are escaped for JSON strings, {raw} writes a whole value.', { raw: '{{ traits | json | raw }}' })}>
                <Field.Label>{t('campaigns.variant.webhookBody', 'JSON body')}</Field.Label>
                <Textarea
                  rows={8}
                  style={{ fontFamily: 'monospace' }}
                  value={v.body ?? ''}
                  onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setVariant(i, { body: e.target.value })}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            ) : (
              <>
            <Text
              label={t('campaigns.variant.subject', 'Subject')}
              required
              value={v.subject}
              onChange={(x) => setVariant(i, { subject: x })}
              error={errorFor(`variants.${i}.subject`)}
              hint={t('campaigns.variant.liquidHint', 'Liquid, e.g. {examples}', {
                examples: '{{ traits.first_name }}, {{ user.email }}, {{ unsubscribe_url }}',
              })}
            />
            <Text
              label={t('campaigns.variant.preheader', 'Preheader')}
              value={v.preheader ?? ''}
              onChange={(x) => setVariant(i, { preheader: x })}
              error={errorFor(`variants.${i}.preheader`)}
            />
            <Field.Root error={errorFor(`variants.${i}.html`)} required>
              <Field.Label>{t('campaigns.variant.html', 'HTML body')}</Field.Label>
              <Textarea
                rows={8}
                style={{ fontFamily: 'monospace' }}
                value={v.html}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                  setVariant(i, { html: e.target.value })
                }
              />
              <Field.Error />
            </Field.Root>
            <Field.Root
              error={errorFor(`variants.${i}.text`)}
              hint={t('campaigns.variant.textHint', 'Optional: derived from the HTML when empty.')}
            >
              <Field.Label>{t('campaigns.variant.text', 'Plain-text body')}</Field.Label>
              <Textarea
                rows={4}
                value={v.text ?? ''}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                  setVariant(i, { text: e.target.value })
                }
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
              </>
            )}
          </Flex>
        </Box>
      ))}
      <Flex gap={4} alignItems="flex-end" wrap="wrap">
        {form.variants.length < 10 && (
          <Button
            variant="secondary"
            startIcon={<Plus />}
            onClick={() =>
              setForm((f) => ({
                ...f,
                variants: [...f.variants, newVariant(f.variants.length)],
              }))
            }
          >
            {t('campaigns.variant.add', 'Add variant')}
          </Button>
        )}
        <Box width="220px">
          <Num
            label={t('campaigns.holdout', 'Holdout (% kept out)')}
            value={form.holdoutPercent}
            onChange={(x) => set('holdoutPercent', x)}
            error={errorFor('holdoutPercent')}
            hint={t('campaigns.holdoutHint', 'Measured against, never sent.')}
          />
        </Box>
      </Flex>
    </Section>
  );
};
