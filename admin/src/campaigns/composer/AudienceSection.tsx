import { Grid } from '@strapi/design-system';
import { Num, Section, Select, Text } from './fields';
import type { Form } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import type { ErrorFor, SetField } from './useComposer';
import { InappOptionsFields } from './InappOptionsFields';

/** Who receives it and how: name, segment, channel and the channel's options. */
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
            hint={
              form.channel === 'push'
                ? t('campaigns.segmentHintPush', 'Members with a push subscription (a device that said yes) receive it.')
                : form.channel === 'webhook'
                  ? t('campaigns.segmentHintWebhook', 'One signed request per member goes to your URL.')
                  : form.channel === 'inapp'
                    ? t('campaigns.segmentHintInapp', 'Members see it on the storefront while they are there, anonymous visitors too.')
                  : t('campaigns.segmentHint', 'Members with an e-mail address, consent and no unsubscribe receive it.')
            }
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Select
            label={t('campaigns.channel', 'Channel')}
            value={form.channel}
            options={[
              { value: 'email', label: t('campaigns.channel.email', 'E-mail') },
              { value: 'push', label: t('campaigns.channel.push', 'Web Push') },
              { value: 'webhook', label: t('campaigns.channel.webhook', 'Webhook') },
              { value: 'inapp', label: t('campaigns.channel.inapp', 'In-app message') },
            ]}
            onChange={(v) => set('channel', v as Form['channel'])}
            error={errorFor('channel')}
          />
        </Grid.Item>
        {form.channel === 'push' && (
          <>
            <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
              <Num
                label={t('campaigns.push.ttl', 'Time to live (hours)')}
                value={form.pushTtlHours}
                onChange={(v) => set('pushTtlHours', v)}
                error={errorFor('push.ttlSeconds')}
                hint={t('campaigns.push.ttlHint', 'A device offline longer never gets it.')}
              />
            </Grid.Item>
            <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
              <Select
                label={t('campaigns.push.urgency', 'Urgency')}
                value={form.pushUrgency}
                options={['very-low', 'low', 'normal', 'high'].map((u) => ({ value: u, label: u }))}
                onChange={(v) => set('pushUrgency', v as Form['pushUrgency'])}
                error={errorFor('push.urgency')}
              />
            </Grid.Item>
          </>
        )}
        {form.channel === 'inapp' && <InappOptionsFields form={form} set={set} errorFor={errorFor} />}
        {form.channel === 'webhook' && (
          <>
            <Grid.Item col={9} s={12} direction="column" alignItems="stretch">
              <Text
                label={t('campaigns.webhook.url', 'Webhook URL')}
                required
                value={form.webhookUrl}
                onChange={(v) => set('webhookUrl', v)}
                error={errorFor('webhook.url') ?? errorFor('webhook')}
                hint={t(
                  'campaigns.webhook.urlHint',
                  'https only; private and local addresses need outbound.allowedHosts in the plugin config.'
                )}
              />
            </Grid.Item>
            <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
              <Num
                label={t('campaigns.webhook.timeout', 'Timeout (s)')}
                value={form.webhookTimeoutSeconds}
                onChange={(v) => set('webhookTimeoutSeconds', v)}
                error={errorFor('webhook.timeoutSeconds')}
              />
            </Grid.Item>
          </>
        )}
      </Grid.Root>
    </Section>
  );
};
