import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import type { SettingsResponse } from '../../api/contracts';
import { useT } from '../../utils/useT';

/**
 * Push and webhook settings at a glance: the VAPID public key storefronts subscribe with (and
 * whether it comes from config or was generated once and kept in the store), the subscribed
 * devices, and the outbound policy every push and webhook request obeys.
 */
export const ChannelsSection = ({ channels }: { channels: SettingsResponse['channels'] }) => {
  const t = useT();
  const { push, outbound } = channels;
  const mono = { fontFamily: 'monospace', wordBreak: 'break-all' } as const;
  return (
    <Box
      background="neutral0"
      padding={6}
      hasRadius
      shadow="tableShadow"
      data-testid="channels-section"
    >
      <Typography variant="delta" tag="h2">
        {t('settings.channels', 'Push and webhooks')}
      </Typography>
      <Flex direction="column" alignItems="stretch" gap={3} paddingTop={3}>
        <Box>
          <Typography variant="sigma" textColor="neutral600" tag="p">
            {t('settings.push.key', 'Web Push public key (VAPID)')}
          </Typography>
          <Typography tag="p" style={mono} data-testid="vapid-public-key">
            {push.publicKey}
          </Typography>
          <Typography tag="p" textColor="neutral600">
            {push.keySource === 'config'
              ? t('settings.push.fromConfig', 'From segments.push.vapid in config/plugins.ts.')
              : t(
                  'settings.push.generated',
                  'Generated at first boot and kept in the plugin store; set segments.push.vapid to use your own pair.'
                )}{' '}
            {t('settings.push.subject', 'Contact sent to push services: {subject}', {
              subject: push.subject,
            })}
          </Typography>
        </Box>
        <Typography tag="p" data-testid="push-devices">
          {t('settings.push.devices', '{subscriptions} subscribed devices on {profiles} profiles', {
            subscriptions: push.devices.subscriptions.toLocaleString(),
            profiles: push.devices.profiles.toLocaleString(),
          })}
        </Typography>
        <Box>
          <Typography variant="sigma" textColor="neutral600" tag="p">
            {t('settings.outbound.hosts', 'Hosts allowed past the private-address guard')}
          </Typography>
          {outbound.allowedHosts.length ? (
            <Flex gap={2} wrap="wrap" paddingTop={1} data-testid="allowed-hosts">
              {outbound.allowedHosts.map((host) => (
                <Badge key={host}>{host}</Badge>
              ))}
            </Flex>
          ) : (
            <Typography tag="p" data-testid="allowed-hosts">
              {t(
                'settings.outbound.none',
                'None: webhooks and push go to public addresses over https only (segments.outbound.allowedHosts).'
              )}
            </Typography>
          )}
          <Typography tag="p" textColor="neutral600" paddingTop={1}>
            {t(
              'settings.outbound.limits',
              'Each request times out after {seconds} s; at most {concurrency} in flight per instance.',
              {
                seconds: outbound.timeoutSeconds,
                concurrency: outbound.concurrency,
              }
            )}
          </Typography>
        </Box>
      </Flex>
    </Box>
  );
};
