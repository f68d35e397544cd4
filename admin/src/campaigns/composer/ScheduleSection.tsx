import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { SendHourPreview } from '../../components/SendHourPreview';
import { browserZone } from '../../utils/campaignForm';
import { Num, Section, Select, Text, Toggle } from './fields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';

/** When it goes out: once, at a time, recurring or triggered; local time and intelligent timing. */
export const ScheduleSection = ({
  form,
  set,
  errorFor,
  segmentOptions,
  documentId,
}: {
  form: Form;
  set: SetField;
  errorFor: ErrorFor;
  segmentOptions: Array<{ value: string; label: string }>;
  documentId: string | undefined;
}) => {
  const t = useT();
  const zones =
    (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
      'timeZone'
    ) ?? [];
  return (
    <Section title={t('campaigns.section.schedule', 'Schedule')} testId="schedule">
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Select
            label={t('campaigns.scheduleType', 'When')}
            value={form.scheduleType}
            options={[
              {
                value: 'now',
                label: t('campaigns.schedule.now', 'As soon as scheduled'),
              },
              {
                value: 'at',
                label: t('campaigns.schedule.at', 'At a date and time'),
              },
              // An in-app message is live between its dates: it does not recur.
              ...(form.channel === 'inapp'
                ? []
                : ([
                    {
                      value: 'recurring',
                      label: t('campaigns.schedule.recurring', 'Recurring (cron)'),
                    },
                  ] as const)),
              {
                value: 'triggered',
                label: t('campaigns.schedule.triggered', 'Triggered by an event or segment entry'),
              },
            ]}
            onChange={(v) => set('scheduleType', v)}
            error={errorFor('scheduleType')}
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Text
            label={t('campaigns.timezone', 'Time zone')}
            value={form.timezone}
            suggestions={zones}
            onChange={(v) => set('timezone', v)}
            error={errorFor('timezone')}
            hint={t(
              'campaigns.timezoneHint',
              'For the cron and for recipients without a known zone.'
            )}
          />
        </Grid.Item>
        {form.scheduleType === 'at' && (
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Text
              type="datetime-local"
              label={t('campaigns.sendAt', 'Send at')}
              value={form.sendAt}
              onChange={(v) => set('sendAt', v)}
              error={errorFor('sendAt')}
              hint={t('campaigns.sendAtHint', 'In your browser’s time zone ({zone}).', {
                zone: browserZone(),
              })}
            />
          </Grid.Item>
        )}
        {form.scheduleType === 'recurring' && (
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Text
              label={t('campaigns.cron', 'Cron expression')}
              value={form.cron}
              onChange={(v) => set('cron', v)}
              error={errorFor('cron')}
              hint={t('campaigns.cronHint', 'Five fields, e.g. 0 9 * * 1 for Mondays at 09:00.')}
            />
          </Grid.Item>
        )}
      </Grid.Root>
      {form.scheduleType === 'triggered' && (
        <Box padding={4} hasRadius borderColor="neutral200" data-testid="trigger">
          <Grid.Root gap={4}>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <Select
                label={t('campaigns.trigger.kind', 'Trigger')}
                value={form.triggerKind}
                options={[
                  {
                    value: 'event',
                    label: t('campaigns.trigger.event', 'An event happens'),
                  },
                  {
                    value: 'segmentEntry',
                    label: t('campaigns.trigger.segmentEntry', 'A profile enters a segment'),
                  },
                ]}
                onChange={(v) => set('triggerKind', v)}
                error={errorFor('trigger')}
              />
            </Grid.Item>
            {form.triggerKind === 'event' ? (
              <>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Text
                    label={t('campaigns.trigger.eventName', 'Event name')}
                    value={form.triggerEvent}
                    onChange={(v) => set('triggerEvent', v)}
                    error={errorFor('trigger.event')}
                  />
                </Grid.Item>
                <Grid.Item col={12} direction="column" alignItems="stretch">
                  <Text
                    label={t(
                      'campaigns.trigger.where',
                      'Event properties match (JSON condition, optional)'
                    )}
                    value={form.triggerWhere}
                    onChange={(v) => set('triggerWhere', v)}
                    error={errorFor('trigger.where')}
                  />
                </Grid.Item>
              </>
            ) : (
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Select
                  label={t('campaigns.trigger.segment', 'Segment entered')}
                  value={form.triggerSegment}
                  options={segmentOptions}
                  onChange={(v) => set('triggerSegment', v)}
                  error={errorFor('trigger.segmentEntry')}
                />
              </Grid.Item>
            )}
            {/* An in-app message shows on the next page view: no delay, re-entry or exit. */}
            {form.channel !== 'inapp' && (
              <>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Num
                    label={t('campaigns.trigger.delay', 'Delay (minutes)')}
                    value={form.triggerDelayMinutes}
                    onChange={(v) => set('triggerDelayMinutes', v)}
                    error={errorFor('triggerDelayMinutes')}
                  />
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Select
                    label={t('campaigns.trigger.reentry', 'Re-entry')}
                    value={form.reentry}
                    options={[
                      {
                        value: 'once',
                        label: t('campaigns.trigger.once', 'Once per profile'),
                      },
                      {
                        value: 'cooldown',
                        label: t('campaigns.trigger.cooldown', 'Again after a cool-down'),
                      },
                    ]}
                    onChange={(v) => set('reentry', v)}
                    error={errorFor('reentry')}
                  />
                </Grid.Item>
                {form.reentry === 'cooldown' && (
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Num
                      label={t('campaigns.trigger.cooldownDays', 'Cool-down (days)')}
                      value={form.reentryDays}
                      onChange={(v) => set('reentryDays', v)}
                      error={errorFor('reentry.days')}
                    />
                  </Grid.Item>
                )}
                <Grid.Item col={12} direction="column" alignItems="stretch">
                  <Toggle
                    label={t('campaigns.trigger.exitOn', 'Stop waiting when an exit event happens')}
                    checked={form.exitOn}
                    onChange={(v) => set('exitOn', v)}
                  />
                </Grid.Item>
                {form.exitOn && (
                  <>
                    <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                      <Text
                        label={t('campaigns.trigger.exitEvent', 'Exit event name')}
                        value={form.exitEvent}
                        onChange={(v) => set('exitEvent', v)}
                        error={errorFor('exitEvent.event')}
                      />
                    </Grid.Item>
                    <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                      <Text
                        label={t(
                          'campaigns.trigger.exitWhere',
                          'Exit event properties match (JSON, optional)'
                        )}
                        value={form.exitWhere}
                        onChange={(v) => set('exitWhere', v)}
                        error={errorFor('exitEvent.where')}
                      />
                    </Grid.Item>
                  </>
                )}
              </>
            )}
          </Grid.Root>
        </Box>
      )}
      {form.channel !== 'inapp' && (
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Toggle
            label={t('campaigns.localTimeOn', 'Deliver at each recipient’s local time')}
            checked={form.localTimeOn}
            onChange={(v) => set('localTimeOn', v)}
          />
          {form.localTimeOn && (
            <Box width="200px">
              <Text
                type="time"
                label={t('campaigns.localTime', 'Local time')}
                value={form.localTime}
                onChange={(v) => set('localTime', v)}
                error={errorFor('localTime')}
              />
            </Box>
          )}
          <Toggle
            label={t(
              'campaigns.intelligentTiming',
              'Intelligent timing: each recipient at their most engaged hour'
            )}
            checked={form.intelligentTiming}
            onChange={(v) => set('intelligentTiming', v)}
          />
          {errorFor('intelligentTiming') && (
            <Typography textColor="danger600" role="alert">
              {errorFor('intelligentTiming')}
            </Typography>
          )}
          {form.intelligentTiming && (
            // The audience's send-hour histogram (of the saved campaign).
            <Box padding={4} hasRadius background="neutral100" data-testid="send-hour-preview-slot">
              {documentId ? (
                <SendHourPreview documentId={documentId} />
              ) : (
                <Typography textColor="neutral600">
                  {t(
                    'campaigns.sendHourAfterSave',
                    'Save the campaign to see each recipient’s send hour.'
                  )}
                </Typography>
              )}
            </Box>
          )}
        </Flex>
      )}
    </Section>
  );
};
