import { Box, Flex } from '@strapi/design-system';
import { Num, Section, Text, Toggle } from './fields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';

/** Quiet hours and this campaign’s frequency cap. */
export const DeliveryRulesSection = ({
  form,
  set,
  errorFor,
}: {
  form: Form;
  set: SetField;
  errorFor: ErrorFor;
}) => {
  const t = useT();
  return (
    <Section title={t('campaigns.section.rules', 'Delivery rules')}>
      <Toggle
        label={t('campaigns.quietOn', 'Quiet hours (recipient’s time): move sends out of them')}
        checked={form.quietOn}
        onChange={(v) => set('quietOn', v)}
      />
      {form.quietOn && (
        <Flex gap={4}>
          <Box width="200px">
            <Text
              type="time"
              label={t('campaigns.quietStart', 'Quiet from')}
              value={form.quietStart}
              onChange={(v) => set('quietStart', v)}
              error={errorFor('quietHours.start') ?? errorFor('quietHours')}
            />
          </Box>
          <Box width="200px">
            <Text
              type="time"
              label={t('campaigns.quietEnd', 'Quiet until')}
              value={form.quietEnd}
              onChange={(v) => set('quietEnd', v)}
              error={errorFor('quietHours.end')}
            />
          </Box>
        </Flex>
      )}
      <Toggle
        label={t('campaigns.capOn', 'Frequency cap for this campaign')}
        checked={form.capOn}
        onChange={(v) => set('capOn', v)}
      />
      {form.capOn && (
        <Flex gap={4}>
          <Box width="200px">
            <Num
              label={t('campaigns.capMax', 'At most (messages)')}
              value={form.capMax}
              onChange={(v) => set('capMax', v)}
              error={errorFor('frequencyCap.max') ?? errorFor('frequencyCap')}
            />
          </Box>
          <Box width="200px">
            <Num
              label={t('campaigns.capPeriod', 'Per (hours)')}
              value={form.capPeriodHours}
              onChange={(v) => set('capPeriodHours', v)}
              error={errorFor('frequencyCap.periodHours')}
            />
          </Box>
        </Flex>
      )}
    </Section>
  );
};
