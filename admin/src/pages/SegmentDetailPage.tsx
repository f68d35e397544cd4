import {
  Badge,
  Box,
  Button,
  Flex,
  Grid,
  LinkButton,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Pencil } from '@strapi/icons';
import { BackButton, Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { Member, SegmentSummary, SizePoint } from '../api/contracts';
import { LineChart } from '../components/Charts';
import { PERMISSIONS } from '../permissions';
import { PluginPage } from '../components/PluginPage';
import { useT } from '../utils/useT';
import { formatDateTime } from './SegmentsListPage';

const PAGE_SIZE = 25;

const SegmentDetailPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const { documentId = '' } = useParams<{ documentId: string }>();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC([...PERMISSIONS.manage, ...PERMISSIONS.recompute]);
  const [segment, setSegment] = useState<SegmentSummary | null>(null);
  const [explanation, setExplanation] = useState<string>('');
  const [sizes, setSizes] = useState<SizePoint[]>([]);
  const [members, setMembers] = useState<{ rows: Member[]; total: number; page: number } | null>(
    null
  );
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  const loadMembers = useCallback(
    async (page: number) => {
      const res = await api.members(documentId, page, PAGE_SIZE);
      setMembers({ rows: res.data, total: res.meta.pagination.total, page });
    },
    [api, documentId]
  );

  const load = useCallback(async () => {
    const [s, history] = await Promise.all([api.getSegment(documentId), api.sizes(documentId)]);
    setSegment(s);
    setSizes(history);
    await loadMembers(1);
    api.validateRule(s.rule).then(
      (v) => setExplanation(v.explanation),
      (error) => setExplanation(fieldErrors(error)[0].message)
    );
  }, [api, documentId, loadMembers]);

  useEffect(() => {
    load().catch(() => setFailed(true));
  }, [load]);

  const recompute = async () => {
    setBusy(true);
    try {
      const result = await api.recompute(documentId);
      toggleNotification({
        type: 'success',
        message: t('list.recomputed', '{name}: {size} members', {
          name: segment?.name ?? '',
          size: result.size,
        }),
      });
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: fieldErrors(error)[0].message });
    } finally {
      setBusy(false);
    }
  };

  if (failed) return <Page.Error />;
  if (!segment || !members) return <Page.Loading />;
  const pageCount = Math.max(1, Math.ceil(members.total / PAGE_SIZE));

  return (
    <PluginPage title={segment.name}>
        <Layouts.Header
          navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
          title={segment.name}
          subtitle={segment.description ?? undefined}
          primaryAction={
            <Flex gap={2}>
              {allowedActions.canRecompute && (
                <Button
                  variant="secondary"
                  startIcon={<ArrowClockwise />}
                  loading={busy}
                  onClick={recompute}
                >
                  {t('list.recompute', 'Recompute')}
                </Button>
              )}
              {allowedActions.canManage && (
                <LinkButton tag={RouterLink} to="edit" startIcon={<Pencil />}>
                  {t('detail.edit', 'Edit')}
                </LinkButton>
              )}
            </Flex>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
              <Grid.Root gap={4}>
                <Grid.Item col={3} s={6} direction="column" alignItems="flex-start">
                  <Typography variant="sigma" textColor="neutral600">
                    {t('list.size', 'Size')}
                  </Typography>
                  <Typography variant="alpha" data-testid="detail-size">
                    {segment.size === null ? '—' : segment.size.toLocaleString()}
                  </Typography>
                </Grid.Item>
                <Grid.Item col={3} s={6} direction="column" alignItems="flex-start">
                  <Typography variant="sigma" textColor="neutral600">
                    {t('list.key', 'Key')}
                  </Typography>
                  <Typography style={{ fontFamily: 'monospace' }}>{segment.key}</Typography>
                </Grid.Item>
                <Grid.Item col={3} s={6} direction="column" alignItems="flex-start">
                  <Typography variant="sigma" textColor="neutral600">
                    {t('list.lastComputed', 'Last computed')}
                  </Typography>
                  <Typography>{formatDateTime(segment.lastComputedAt)}</Typography>
                </Grid.Item>
                <Grid.Item col={3} s={6} direction="column" alignItems="flex-start">
                  <Typography variant="sigma" textColor="neutral600">
                    {t('list.status', 'Status')}
                  </Typography>
                  <Badge active={segment.state === 'active'}>
                    {segment.state === 'active'
                      ? t('status.active', 'Active')
                      : t('status.archived', 'Archived')}
                  </Badge>
                </Grid.Item>
                <Grid.Item col={12} direction="column" alignItems="flex-start">
                  <Typography variant="sigma" textColor="neutral600">
                    {t('builder.explanation', 'In plain words')}
                  </Typography>
                  <Typography data-testid="explanation">{explanation}</Typography>
                </Grid.Item>
              </Grid.Root>
            </Box>
            <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
              <Typography variant="delta" tag="h2">
                {t('detail.history', 'Size history')}
              </Typography>
              <Box paddingTop={4}>
                {sizes.length === 0 ? (
                  <Typography textColor="neutral600">
                    {t(
                      'detail.noHistory',
                      'Not computed yet: sizes are recorded at each recompute.'
                    )}
                  </Typography>
                ) : (
                  <LineChart
                    title={t('detail.history', 'Size history')}
                    days={sizes.map((s) => s.day)}
                    series={[
                      {
                        label: t('list.size', 'Size'),
                        color: '#4945ff',
                        values: sizes.map((s) => s.size),
                      },
                    ]}
                  />
                )}
              </Box>
            </Box>
            <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
              <Flex justifyContent="space-between">
                <Typography variant="delta" tag="h2">
                  {t('detail.members', 'Members ({total})', { total: members.total })}
                </Typography>
                <Flex gap={2}>
                  <Button
                    variant="tertiary"
                    size="S"
                    disabled={members.page <= 1}
                    onClick={() => loadMembers(members.page - 1)}
                  >
                    {t('detail.previous', 'Previous')}
                  </Button>
                  <Typography variant="pi">
                    {t('detail.page', 'Page {page} of {count}', {
                      page: members.page,
                      count: pageCount,
                    })}
                  </Typography>
                  <Button
                    variant="tertiary"
                    size="S"
                    disabled={members.page >= pageCount}
                    onClick={() => loadMembers(members.page + 1)}
                  >
                    {t('detail.next', 'Next')}
                  </Button>
                </Flex>
              </Flex>
              <Box paddingTop={4}>
                {members.rows.length === 0 ? (
                  <Typography textColor="neutral600">
                    {t('detail.noMembers', 'No members (as of the last recompute).')}
                  </Typography>
                ) : (
                  <Table
                    colCount={2}
                    rowCount={members.rows.length + 1}
                    aria-label={t('detail.membersTable', 'Members')}
                  >
                    <Thead>
                      <Tr>
                        <Th>
                          <Typography variant="sigma">{t('detail.profile', 'Profile')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">
                            {t('detail.entered', 'Member since')}
                          </Typography>
                        </Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {members.rows.map((m) => (
                        <Tr key={m.profileId}>
                          <Td>
                            <Typography>#{m.profileId}</Typography>
                          </Td>
                          <Td>
                            <Typography>{formatDateTime(m.enteredAt)}</Typography>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
              </Box>
            </Box>
          </Flex>
        </Layouts.Content>
      </PluginPage>
  );
};

export { SegmentDetailPage };
