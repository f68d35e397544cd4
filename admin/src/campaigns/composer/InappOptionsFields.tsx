import { Grid } from '@strapi/design-system';
import { browserZone, type Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import { Num, Text } from './fields';
import type { ErrorFor, SetField } from './useComposer';

/** An in-app campaign's display window, priority and cap per visitor (grid items of the audience). */
export const InappOptionsFields = ({
  form,
  set,
  errorFor,
}: {
  form: Form;
  set: SetField;
  errorFor: ErrorFor;
}) => {
  const t = useT();
  const zone = t('campaigns.sendAtHint', 'In your browser’s time zone ({zone}).', {
    zone: browserZone(),
  });
  return (
    <>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <Text
          type="datetime-local"
          label={t('campaigns.inapp.startsAt', 'Shows from')}
          value={form.inappStartsAt}
          onChange={(v) => set('inappStartsAt', v)}
          error={errorFor('inapp.startsAt')}
          hint={zone}
        />
      </Grid.Item>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <Text
          type="datetime-local"
          label={t('campaigns.inapp.endsAt', 'Shows until')}
          value={form.inappEndsAt}
          onChange={(v) => set('inappEndsAt', v)}
          error={errorFor('inapp.endsAt')}
          hint={t('campaigns.inapp.endsAtHint', 'Empty: until paused or cancelled.')}
        />
      </Grid.Item>
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
        <Num
          label={t('campaigns.inapp.priority', 'Priority (0–100)')}
          value={form.inappPriority}
          onChange={(v) => set('inappPriority', v)}
          error={errorFor('inapp.priority')}
          hint={t('campaigns.inapp.priorityHint', 'When several qualify, the highest shows.')}
        />
      </Grid.Item>
      <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
        <Num
          label={t('campaigns.inapp.maxShows', 'Shows per visitor')}
          value={form.inappMaxShows}
          onChange={(v) => set('inappMaxShows', v)}
          error={errorFor('inapp.maxShows')}
          hint={t('campaigns.inapp.maxShowsHint', 'Never again after a dismiss or a click.')}
        />
      </Grid.Item>
      <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
        <Num
          label={t('campaigns.inapp.periodHours', 'Per period (hours)')}
          value={form.inappPeriodHours}
          onChange={(v) => set('inappPeriodHours', v)}
          error={errorFor('inapp.periodHours')}
        />
      </Grid.Item>
    </>
  );
};
