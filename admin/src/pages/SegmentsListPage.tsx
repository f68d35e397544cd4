import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  Grid,
  Link,
  LinkButton,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { ArrowClockwise, Plus } from '@strapi/icons';
import { Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { Overview, SegmentSummary } from '../api/contracts';
import { Sparkline } from '../components/Charts';
import { PERMISSIONS } from '../permissions';
import { PluginPage } from '../components/PluginPage';
import { RealtimeStatus } from '../components/RealtimeStatus';
import { useT } from '../utils/useT';

const Stat = ({ label, value, testId }: { label: string; value: number; testId: string }) => (
  <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} width="100%">
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="alpha" data-testid={testId}>
        {value.toLocaleString()}
      </Typography>
    </Flex>
  </Box>
);

export const formatDateTime = (iso: string | null, locale?: string) =>
  iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '—';

const SegmentsListPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC([...PERMISSIONS.manage, ...PERMISSIONS.recompute]);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [segments, setSegments] = useState<SegmentSummary[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [o, s] = await Promise.all([api.getOverview(), api.listSegments()]);
    setOverview(o);
    setSegments(s);
  }, [api]);

  useEffect(() => {
    load().catch(() => setFailed(true));
  }, [load]);

  const recompute = async (segment: SegmentSummary) => {
    setBusy(segment.documentId);
    try {
      const result = await api.recompute(segment.documentId);
      toggleNotification({
        type: 'success',
        message: t('list.recomputed', '{name}: {size} members', {
          name: segment.name,
          size: result.size,
        }),
      });
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: fieldErrors(error)[0].message });
    } finally {
      setBusy(null);
    }
  };

  if (failed) return <Page.Error />;
  if (!overview || !segments) return <Page.Loading />;

  return (
    <PluginPage title={t('home.title', 'Segments')}>
        <Layouts.Header
          title={t('home.title', 'Segments')}
          subtitle={t(
            'home.subtitle',
            'Audiences from traits, behaviour and geography — for content, campaigns and analytics.'
          )}
          primaryAction={
            allowedActions.canManage ? (
              <LinkButton tag={RouterLink} to="new" startIcon={<Plus />}>
                {t('list.create', 'Create segment')}
              </LinkButton>
            ) : undefined
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12}>
                <Stat
                  label={t('home.segments', 'Segments')}
                  value={overview.segments}
                  testId="segments-count"
                />
              </Grid.Item>
              <Grid.Item col={6} s={12}>
                <Stat
                  label={t('home.profiles', 'Profiles')}
                  value={overview.profiles}
                  testId="profiles-count"
                />
              </Grid.Item>
            </Grid.Root>
            <RealtimeStatus status={overview.realtime} />
            {segments.length === 0 ? (
              <EmptyStateLayout content={t('list.empty', 'No segments yet.')} />
            ) : (
              <Table
                colCount={7}
                rowCount={segments.length + 1}
                aria-label={t('list.table', 'Segments')}
              >
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('list.name', 'Name')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('list.key', 'Key')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('list.size', 'Size')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('list.trend', 'Trend (30 days)')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">
                        {t('list.lastComputed', 'Last computed')}
                      </Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('list.status', 'Status')}</Typography>
                    </Th>
                    <Th>
                      <VisuallyHidden>{t('list.actions', 'Actions')}</VisuallyHidden>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {segments.map((s) => (
                    <Tr key={s.documentId} data-testid={`segment-row-${s.key}`}>
                      <Td>
                        <Link tag={RouterLink} to={s.documentId}>
                          {s.name}
                        </Link>
                      </Td>
                      <Td>
                        <Typography style={{ fontFamily: 'monospace' }}>{s.key}</Typography>
                      </Td>
                      <Td>
                        <Typography data-testid="segment-size">
                          {s.size === null ? '—' : s.size.toLocaleString()}
                        </Typography>
                      </Td>
                      <Td>
                        <Sparkline points={s.trend.map((p) => p.size)} />
                      </Td>
                      <Td>
                        <Typography>{formatDateTime(s.lastComputedAt)}</Typography>
                      </Td>
                      <Td>
                        <Badge active={s.state === 'active'}>
                          {s.state === 'active'
                            ? t('status.active', 'Active')
                            : t('status.archived', 'Archived')}
                        </Badge>
                      </Td>
                      <Td>
                        {allowedActions.canRecompute && (
                          <Button
                            variant="ghost"
                            size="S"
                            startIcon={<ArrowClockwise />}
                            loading={busy === s.documentId}
                            onClick={() => recompute(s)}
                          >
                            {t('list.recompute', 'Recompute')}
                            <VisuallyHidden> {s.name}</VisuallyHidden>
                          </Button>
                        )}
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Flex>
        </Layouts.Content>
      </PluginPage>
  );
};

export { SegmentsListPage };
