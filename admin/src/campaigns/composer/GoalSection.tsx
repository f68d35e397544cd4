import { Box, Flex } from '@strapi/design-system';
import { Num, Section, Text } from './fields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';

/** The conversion event and window the report counts per variant and against the holdout. */
export const GoalSection = ({
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
    <Section title={t('campaigns.section.goal', 'Conversion goal')}>
      <Flex gap={4} wrap="wrap">
        <Box width="280px">
          <Text
            label={t('campaigns.conversionEvent', 'Conversion event')}
            value={form.conversionEvent}
            onChange={(v) => set('conversionEvent', v)}
            error={errorFor('conversionEvent')}
            hint={t(
              'campaigns.conversionHint',
              'e.g. purchase; counted per variant and against the holdout.'
            )}
          />
        </Box>
        <Box width="220px">
          <Num
            label={t('campaigns.conversionWindow', 'Within (hours)')}
            value={form.conversionWindowHours}
            onChange={(v) => set('conversionWindowHours', v)}
            error={errorFor('conversionWindowHours')}
          />
        </Box>
      </Flex>
    </Section>
  );
};
