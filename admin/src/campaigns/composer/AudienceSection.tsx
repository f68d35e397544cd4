import { Grid } from '@strapi/design-system';
import { Section, Select, Text } from './fields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';

/** Who receives it: name and segment. */
export const AudienceSection = ({
  form,
  set,
  errorFor,
  segmentOptions,
}: {
  form: Form;
  set: SetField;
  errorFor: ErrorFor;
  segmentOptions: Array<{ value: string; label: string }>;
}) => {
  const t = useT();
  return (
    <Section title={t('campaigns.section.audience', 'Audience')}>
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Text
            name="name"
            label={t('campaigns.name', 'Name')}
            required
            value={form.name}
            onChange={(v) => set('name', v)}
            error={errorFor('name')}
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Select
            label={t('campaigns.segment', 'Segment')}
            value={form.segmentKey}
            placeholder={t('campaigns.segmentPlaceholder', 'Choose a segment')}
            options={segmentOptions}
            onChange={(v) => set('segmentKey', v)}
            error={errorFor('segmentKey')}
            hint={t(
              'campaigns.segmentHint',
              'Members with an e-mail address, consent and no unsubscribe receive it.'
            )}
          />
        </Grid.Item>
      </Grid.Root>
    </Section>
  );
};
