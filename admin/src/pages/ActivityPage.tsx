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
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { ActivityResponse } from '../api/contracts';
import { ActivityChart } from '../components/ActivityChart';
import { TextField } from '../builder/fields';
import { PluginPage } from '../components/PluginPage';
import { useT } from '../utils/useT';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const ActivityPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const [from, setFrom] = useState(() => day(Date.now() - 29 * 86_400_000));
  const [to, setTo] = useState(() => day(Date.now()));
  const [data, setData] = useState<ActivityResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.activity(from, to));
      setError(null);
    } catch (e) {
      const [first] = fieldErrors(e);
      setError(first.path ? `${first.path}: ${first.message}` : first.message);
    }
  }, [api, from, to]);

  useEffect(() => {
    load();
    // Reload on "Show" only, not on every keystroke in the date fields.
  }, []);

  if (!data && !error) return <Page.Loading />;
  const days = data?.days ?? [];
  const latest = days[days.length - 1];

  return (
    <PluginPage title={t('activity.title', 'Activity')}>
      <Layouts.Header
        navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
        title={t('activity.title', 'Activity')}
        subtitle={t(
          'activity.subtitle',
          'Daily, weekly and monthly active profiles and stickiness (DAU ÷ MAU), UTC days.'
        )}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box background="neutral0" padding={4} hasRadius shadow="tableShadow">
            <Flex gap={3} alignItems="flex-end" wrap="wrap">
              <TextField
                type="date"
                label={t('activity.from', 'From')}
                value={from}
                onChange={setFrom}
              />
              <TextField type="date" label={t('activity.to', 'To')} value={to} onChange={setTo} />
              <Button variant="secondary" onClick={load}>
                {t('activity.show', 'Show')}
              </Button>
              {error && (
                <Typography textColor="danger600" role="alert">
                  {error}
                </Typography>
              )}
            </Flex>
          </Box>
          {latest && (
            <Flex gap={4} wrap="wrap">
              {(
                [
                  ['dau', t('activity.dau', 'DAU'), latest.dau.toLocaleString()],
                  ['wau', t('activity.wau', 'WAU'), latest.wau.toLocaleString()],
                  ['mau', t('activity.mau', 'MAU'), latest.mau.toLocaleString()],
                  [
                    'stickiness',
                    t('activity.stickiness', 'Stickiness'),
                    `${Math.round(latest.stickiness * 100)}%`,
                  ],
                ] as const
              ).map(([id, label, value]) => (
                <Box
                  key={id}
                  background="neutral0"
                  padding={4}
                  hasRadius
                  shadow="tableShadow"
                  minWidth="160px"
                >
                  <Typography variant="sigma" textColor="neutral600">
                    {label} · {latest.day}
                  </Typography>
                  <Typography variant="beta" tag="p" data-testid={`activity-${id}`}>
                    {value}
                  </Typography>
                </Box>
              ))}
            </Flex>
          )}
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
            <ActivityChart
              title={t('activity.chart', 'Active profiles per day and stickiness')}
              days={days}
            />
          </Box>
          <Table
            colCount={5}
            rowCount={days.length + 1}
            aria-label={t('activity.table', 'Activity by day')}
          >
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('activity.day', 'Day')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('activity.dau', 'DAU')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('activity.wau', 'WAU')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('activity.mau', 'MAU')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('activity.stickiness', 'Stickiness')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {[...days].reverse().map((d) => (
                <Tr key={d.day}>
                  <Td>
                    <Typography>{d.day}</Typography>
                  </Td>
                  <Td>
                    <Typography>{d.dau}</Typography>
                  </Td>
                  <Td>
                    <Typography>{d.wau}</Typography>
                  </Td>
                  <Td>
                    <Typography>{d.mau}</Typography>
                  </Td>
                  <Td>
                    <Typography>{`${(d.stickiness * 100).toFixed(1)}%`}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Flex>
      </Layouts.Content>
    </PluginPage>
  );
};

export { ActivityPage };
