import { Badge, Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { BackButton, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { SettingsResponse, SmtpCheckResult } from '../api/contracts';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { PluginPage } from '../components/PluginPage';
import { ChannelsSection } from '../components/settings/ChannelsSection';

/** `{ a: { b: 1 } }` → [['a.b', '1']]: one row per leaf, easier to scan than nested JSON. */
function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value === undefined ? '—' : JSON.stringify(value)]];
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

const SettingsContent = () => {
  const t = useT();
  const api = useSegmentsApi();
  const { allowedActions } = useRBAC(PERMISSIONS.settingsManage);
  const [data, setData] = useState<SettingsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<SmtpCheckResult | null>(null);
  const [checking, setChecking] = useState(false);

  const load = useCallback(async () => {
    try {
      setData(await api.settings());
      setError(null);
    } catch (e) {
      setError(fieldErrors(e)[0].message);
    }
  }, [api]);
  useEffect(() => {
    load();
  }, [load]);

  const runCheck = async () => {
    setChecking(true);
    try {
      setCheck(await api.smtpCheck());
    } catch (e) {
      setCheck({ ok: false, error: fieldErrors(e)[0].message });
    } finally {
      setChecking(false);
    }
  };

  if (!data && !error) return <Page.Loading />;
  const scheduler = data?.scheduler;

  return (
    <PluginPage title={t('settings.title', 'Segments settings')}>
        <Layouts.Header
          navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
          title={t('settings.title', 'Segments settings')}
          subtitle={t('settings.subtitle', 'The configuration this instance runs with (secrets masked), e-mail, push and webhooks, and the scheduler.')}
          primaryAction={
            <Button variant="secondary" onClick={load}>
              {t('settings.refresh', 'Refresh')}
            </Button>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {error && (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            )}
            <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid="smtp-section">
              <Typography variant="delta" tag="h2">
                {t('settings.smtp', 'E-mail (SMTP)')}
              </Typography>
              <Typography tag="p" textColor="neutral600">
                {data?.derived.emailTransport}
              </Typography>
              {allowedActions.canManage ? (
                <Flex gap={3} paddingTop={3} alignItems="center">
                  <Button onClick={runCheck} loading={checking}>
                    {t('settings.smtp.check', 'Check SMTP connection')}
                  </Button>
                  {check && (
                    <Typography
                      role="status"
                      data-testid="smtp-result"
                      textColor={check.ok ? 'success600' : 'danger600'}
                    >
                      {check.ok
                        ? t('settings.smtp.ok', 'Connected to {host}:{port}', { host: check.host ?? '?', port: check.port ?? '?' })
                        : t('settings.smtp.failed', 'Failed: {error}', { error: check.error ?? '' })}
                    </Typography>
                  )}
                </Flex>
              ) : null}
            </Box>
            {data?.channels && <ChannelsSection channels={data.channels} />}
            {scheduler && (
              <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid="scheduler-section">
                <Typography variant="delta" tag="h2">
                  {t('settings.scheduler', 'Scheduler')}
                </Typography>
                <Typography tag="p" textColor="neutral600">
                  {t('settings.scheduler.instance', 'This instance: {owner} (scheduler {state})', {
                    owner: scheduler.thisInstance.owner,
                    state: scheduler.thisInstance.schedulerEnabled
                      ? t('settings.scheduler.on', 'on')
                      : t('settings.scheduler.off', 'off'),
                  })}
                </Typography>
                <Flex gap={4} paddingTop={3} paddingBottom={3} wrap="wrap" data-testid="queue-depth">
                  {(
                    [
                      ['total', t('settings.queue.total', 'Queue depth')],
                      ['due', t('settings.queue.due', 'Due now')],
                      ['queued', t('settings.queue.queued', 'Queued')],
                      ['pending', t('settings.queue.pending', 'Being timed')],
                      ['sending', t('settings.queue.sending', 'Sending')],
                    ] as const
                  ).map(([key, label]) => (
                    <Box key={key} background="neutral100" padding={3} hasRadius minWidth="120px">
                      <Typography variant="sigma" textColor="neutral600" tag="p">
                        {label}
                      </Typography>
                      <Typography variant="beta" tag="p">
                        {scheduler.queue[key].toLocaleString()}
                      </Typography>
                    </Box>
                  ))}
                </Flex>
                {scheduler.jobs.length === 0 ? (
                  <Typography tag="p">{t('settings.scheduler.none', 'No job has run yet.')}</Typography>
                ) : (
                  <Table colCount={5} rowCount={scheduler.jobs.length + 1}>
                    <Thead>
                      <Tr>
                        <Th><Typography variant="sigma">{t('settings.jobs.job', 'Job')}</Typography></Th>
                        <Th><Typography variant="sigma">{t('settings.jobs.kind', 'Kind')}</Typography></Th>
                        <Th><Typography variant="sigma">{t('settings.jobs.owner', 'Instance (lease holder)')}</Typography></Th>
                        <Th><Typography variant="sigma">{t('settings.jobs.last', 'Last tick')}</Typography></Th>
                        <Th><Typography variant="sigma">{t('settings.jobs.lease', 'Lease')}</Typography></Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {scheduler.jobs.map((job) => (
                        <Tr key={`${job.kind}:${job.job}`}>
                          <Td><Typography>{job.job}</Typography></Td>
                          <Td><Typography>{job.kind}</Typography></Td>
                          <Td><Typography>{job.owner}</Typography></Td>
                          <Td><Typography>{time(job.lastTickAt)}</Typography></Td>
                          <Td>
                            <Badge active={job.active}>
                              {job.active
                                ? t('settings.jobs.held', 'held until {time}', { time: time(job.expiresAt) })
                                : t('settings.jobs.expired', 'expired')}
                            </Badge>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
              </Box>
            )}
            {data && (
              <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid="config-section">
                <Typography variant="delta" tag="h2">
                  {t('settings.config', 'Effective configuration')}
                </Typography>
                <Typography tag="p" textColor="neutral600" paddingBottom={3}>
                  {t('settings.config.hint', 'From config/plugins.ts after validation and defaults. Tracking secret: {secret}.', {
                    secret: data.derived.trackingSecret,
                  })}
                </Typography>
                <Table colCount={2} rowCount={flatten(data.config).length + 1}>
                  <Thead>
                    <Tr>
                      <Th><Typography variant="sigma">{t('settings.config.option', 'Option')}</Typography></Th>
                      <Th><Typography variant="sigma">{t('settings.config.value', 'Value')}</Typography></Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {flatten(data.config).map(([path, value]) => (
                      <Tr key={path}>
                        <Td><Typography fontWeight="semiBold">{path}</Typography></Td>
                        <Td><Typography style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{value}</Typography></Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              </Box>
            )}
          </Flex>
        </Layouts.Content>
    </PluginPage>
  );
};

/** The Settings page: only for plugin::segments.settings.read; the SMTP check needs settings.manage. */
const SettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.settingsRead}>
    <SettingsContent />
  </Page.Protect>
);

export { SettingsPage };
