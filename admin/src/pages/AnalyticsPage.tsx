import {
  Box,
  Button,
  Flex,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { SegmentSummary } from '../api/contracts';
import {
  useAnalyticsApi,
  type AnalyticsActivity,
  type AnalyticsRetention,
  type AnalyticsTopEvents,
} from '../api/analytics';
import { ActivityChart } from '../components/ActivityChart';
import { LineChart, Sparkline } from '../components/Charts';
import { TextField } from '../builder/fields';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { PluginPage } from '../components/PluginPage';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** Cell colour of the retention heat map: the plugin's primary colour, opacity = the rate. */
const heat = (rate: number) => `rgba(73, 69, 255, ${Math.min(1, 0.08 + rate * 0.92).toFixed(2)})`;

const Card = ({ children }: { children: React.ReactNode }) => (
  <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
    {children}
  </Box>
);

const AnalyticsContent = () => {
  const t = useT();
  const analytics = useAnalyticsApi();
  const segmentsApi = useSegmentsApi();
  const [from, setFrom] = useState(() => day(Date.now() - 29 * 86_400_000));
  const [to, setTo] = useState(() => day(Date.now()));
  const [weeks, setWeeks] = useState('8');
  const [activity, setActivity] = useState<AnalyticsActivity | null>(null);
  const [retention, setRetention] = useState<AnalyticsRetention | null>(null);
  const [top, setTop] = useState<AnalyticsTopEvents | null>(null);
  const [segments, setSegments] = useState<SegmentSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  const load = useCallback(async () => {
    try {
      const [a, r, e, s] = await Promise.all([
        analytics.activity(from, to),
        analytics.retention(Number(weeks)),
        analytics.topEvents(from, to, 10),
        segmentsApi.listSegments().catch(() => [] as SegmentSummary[]),
      ]);
      setActivity(a);
      setRetention(r);
      setTop(e);
      setSegments(s);
      setError(null);
    } catch (e) {
      const [first] = fieldErrors(e);
      setError(first.path ? `${first.path}: ${first.message}` : first.message);
    } finally {
      setLoaded(true);
    }
  }, [analytics, segmentsApi, from, to, weeks]);

  useEffect(() => {
    load();
    // Reload on "Show" only, not on every keystroke in the fields.
  }, []);

  if (!loaded) return <Page.Loading />;
  const days = activity?.days ?? [];
  const latest = days[days.length - 1];
  const longest = Math.max(0, ...(retention?.cohorts ?? []).map((c) => c.active.length));

  return (
    <PluginPage title={t('analytics.title', 'Analytics')}>
      <Layouts.Header
        navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
        title={t('analytics.title', 'Analytics')}
        subtitle={t(
          'analytics.subtitle',
          'Active users, new vs returning, weekly retention, top events and segment sizes.'
        )}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box background="neutral0" padding={4} hasRadius shadow="tableShadow">
            <Flex gap={3} alignItems="flex-end" wrap="wrap">
              <TextField
                type="date"
                label={t('analytics.from', 'From')}
                value={from}
                onChange={setFrom}
              />
              <TextField type="date" label={t('analytics.to', 'To')} value={to} onChange={setTo} />
              <TextField
                label={t('analytics.weeks', 'Cohort weeks')}
                value={weeks}
                onChange={setWeeks}
              />
              <Button variant="secondary" onClick={load}>
                {t('analytics.show', 'Show')}
              </Button>
              {error && (
                <Typography textColor="danger600" role="alert">
                  {error}
                </Typography>
              )}
            </Flex>
            {activity && (
              <Box paddingTop={2}>
                <Typography variant="pi" textColor="neutral600">
                  {t('analytics.zone', 'Reporting days in {zone}; top events count UTC days.', {
                    zone: activity.timeZone,
                  })}
                </Typography>
              </Box>
            )}
          </Box>

          {latest && (
            <Flex gap={4} wrap="wrap">
              {(
                [
                  ['dau', t('analytics.dau', 'DAU'), latest.dau.toLocaleString()],
                  ['wau', t('analytics.wau', 'WAU'), latest.wau.toLocaleString()],
                  ['mau', t('analytics.mau', 'MAU'), latest.mau.toLocaleString()],
                  [
                    'stickiness',
                    t('analytics.stickiness', 'Stickiness'),
                    percent(latest.stickiness, 0),
                  ],
                  ['new', t('analytics.newUsers', 'New users'), latest.newUsers.toLocaleString()],
                ] as const
              ).map(([id, label, value]) => (
                <Box
                  key={id}
                  background="neutral0"
                  padding={4}
                  hasRadius
                  shadow="tableShadow"
                  minWidth="150px"
                >
                  <Typography variant="sigma" textColor="neutral600">
                    {label} · {latest.day}
                  </Typography>
                  <Typography variant="beta" tag="p" data-testid={`analytics-${id}`}>
                    {value}
                  </Typography>
                </Box>
              ))}
            </Flex>
          )}

          <Card>
            <ActivityChart
              title={t('analytics.activityChart', 'Active users per day and stickiness')}
              days={days}
            />
          </Card>

          <Card>
            <LineChart
              title={t('analytics.newReturningChart', 'New and returning users per day')}
              days={days.map((d) => d.day)}
              series={[
                {
                  label: t('analytics.newUsers', 'New users'),
                  color: '#ac73e6',
                  values: days.map((d) => d.newUsers),
                },
                {
                  label: t('analytics.returningUsers', 'Returning users'),
                  color: '#0c75af',
                  values: days.map((d) => d.returningUsers),
                },
              ]}
            />
          </Card>

          <Card>
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Typography variant="delta" tag="h2">
                {t('analytics.retention', 'Weekly retention cohorts')}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {t(
                  'analytics.retentionHelp',
                  'Each row is the users first active in that week (Monday start); each column the share of them active k weeks later.'
                )}
              </Typography>
              <Box overflow="auto">
                <table
                  data-testid="retention-heatmap"
                  style={{ borderCollapse: 'collapse', fontSize: 12 }}
                >
                  <thead>
                    <tr>
                      <th style={{ textAlign: 'left', padding: 6 }}>
                        {t('analytics.cohort', 'Cohort')}
                      </th>
                      <th style={{ textAlign: 'right', padding: 6 }}>
                        {t('analytics.users', 'Users')}
                      </th>
                      {Array.from({ length: longest }, (_, k) => (
                        <th key={k} style={{ padding: 6 }}>
                          {t('analytics.weekN', 'Week {n}', { n: k })}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {(retention?.cohorts ?? []).map((c) => (
                      <tr key={c.cohort}>
                        <td style={{ padding: 6, whiteSpace: 'nowrap' }}>{c.cohort}</td>
                        <td style={{ padding: 6, textAlign: 'right' }}>
                          {c.users.toLocaleString()}
                        </td>
                        {c.rates.map((rate, k) => (
                          <td
                            key={k}
                            title={`${c.active[k]} / ${c.users}`}
                            style={{
                              padding: 6,
                              minWidth: 52,
                              textAlign: 'center',
                              background: c.users ? heat(rate) : 'transparent',
                              color: rate > 0.45 ? '#fff' : '#212134',
                            }}
                          >
                            {c.users ? percent(rate, 0) : '—'}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Box>
            </Flex>
          </Card>

          <Flex gap={4} alignItems="flex-start" wrap="wrap">
            <Box flex="1" minWidth="360px">
              <Table
                colCount={4}
                rowCount={(top?.events.length ?? 0) + 1}
                aria-label={t('analytics.topEvents', 'Top events')}
              >
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('analytics.event', 'Event')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('analytics.count', 'Count')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('analytics.share', 'Share')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('analytics.valueSum', 'Value')}</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {(top?.events ?? []).map((e) => (
                    <Tr key={e.event}>
                      <Td>
                        <Typography fontWeight="semiBold">{e.event}</Typography>
                      </Td>
                      <Td>
                        <Typography>{e.count.toLocaleString()}</Typography>
                      </Td>
                      <Td>
                        <Typography>{percent(e.share)}</Typography>
                      </Td>
                      <Td>
                        <Typography>{e.valueSum ? e.valueSum.toLocaleString() : '—'}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </Box>
            <Box flex="1" minWidth="360px">
              <Table
                colCount={3}
                rowCount={segments.length + 1}
                aria-label={t('analytics.segmentSizes', 'Segment sizes')}
              >
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('analytics.segment', 'Segment')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('analytics.size', 'Size')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('analytics.trend', '30 days')}</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {segments.map((s) => (
                    <Tr key={s.documentId}>
                      <Td>
                        <RouterLink to={`/plugins/segments/${s.documentId}`}>
                          <Typography>{s.name}</Typography>
                        </RouterLink>
                      </Td>
                      <Td>
                        <Typography>{s.size === null ? '—' : s.size.toLocaleString()}</Typography>
                      </Td>
                      <Td>
                        <Sparkline points={s.trend.map((p) => p.size)} />
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </Box>
          </Flex>
        </Flex>
      </Layouts.Content>
    </PluginPage>
  );
};

/** Analytics dashboard; needs plugin::segments.analytics.read. */
const AnalyticsPage = () => (
  <Page.Protect permissions={PERMISSIONS.analytics}>
    <AnalyticsContent />
  </Page.Protect>
);

export { AnalyticsPage };
