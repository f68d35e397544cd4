import {
  Badge,
  EmptyStateLayout,
  Flex,
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
import { ChartPie, Plus } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useSegmentsApi } from '../api/client';
import type { Campaign, CampaignState } from '../api/contracts';
import { PluginPage } from '../components/PluginPage';
import { PERMISSIONS } from '../permissions';
import { useCan } from '../utils/useCan';
import { useT, type T } from '../utils/useT';
import { formatDateTime } from './SegmentsListPage';

const STATE_COLORS: Record<CampaignState, { text: string; bg: string }> = {
  draft: { text: 'neutral700', bg: 'neutral150' },
  scheduled: { text: 'primary600', bg: 'primary100' },
  sending: { text: 'warning600', bg: 'warning100' },
  sent: { text: 'success600', bg: 'success100' },
  paused: { text: 'alternative600', bg: 'alternative100' },
  cancelled: { text: 'danger600', bg: 'danger100' },
};

export const stateLabel = (t: T, state: CampaignState) =>
  ({
    draft: t('campaigns.status.draft', 'Draft'),
    scheduled: t('campaigns.status.scheduled', 'Scheduled'),
    sending: t('campaigns.status.sending', 'Sending'),
    sent: t('campaigns.status.sent', 'Sent'),
    paused: t('campaigns.status.paused', 'Paused'),
    cancelled: t('campaigns.status.cancelled', 'Cancelled'),
  })[state];

export const StateBadge = ({ state }: { state: CampaignState }) => {
  const t = useT();
  const c = STATE_COLORS[state];
  return (
    <Badge textColor={c.text} backgroundColor={c.bg} data-testid="campaign-status">
      {stateLabel(t, state)}
    </Badge>
  );
};

export const scheduleSummary = (t: T, c: Campaign) => {
  switch (c.scheduleType) {
    case 'at':
      return t('campaigns.schedule.atSummary', 'At {when}', { when: formatDateTime(c.sendAt) });
    case 'recurring':
      return t('campaigns.schedule.recurringSummary', 'Recurring ({cron}, {zone})', {
        cron: c.cron ?? '',
        zone: c.timezone,
      });
    case 'triggered':
      return t('campaigns.schedule.triggeredSummary', 'Triggered');
    default:
      return t('campaigns.schedule.nowSummary', 'As soon as scheduled');
  }
};

const percent = (part: number, whole: number) =>
  whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : '—';

const CampaignsListPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const { can, canAny, isLoading } = useCan();
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [total, setTotal] = useState(0);
  const [failed, setFailed] = useState(false);

  const allowed = !isLoading && canAny(PERMISSIONS.campaigns);
  useEffect(() => {
    if (!allowed) return;
    api.listCampaigns(1, 100).then(
      (res) => {
        setCampaigns(res.data);
        setTotal(res.meta.pagination.total);
      },
      () => setFailed(true)
    );
  }, [api, allowed]);

  if (isLoading) return <Page.Loading />;
  if (!allowed) return <Page.NoPermissions />;
  if (failed) return <Page.Error />;
  if (!campaigns) return <Page.Loading />;
  const title = t('campaigns.title', 'Campaigns');

  const header = (id: string, text: string) => (
    <Th key={id}>
      <Typography variant="sigma">{text}</Typography>
    </Th>
  );
  return (
    <PluginPage title={title}>
      <Layouts.Header
        title={title}
        subtitle={t(
          'campaigns.subtitle',
          'E-mail to a segment: A/B variants, holdout, local time, quiet hours and caps. {total, plural, one {# campaign} other {# campaigns}}.',
          { total }
        )}
        primaryAction={
          can(PERMISSIONS.manageCampaigns) ? (
            <LinkButton tag={RouterLink} to="new" startIcon={<Plus />}>
              {t('campaigns.create', 'Create campaign')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        {campaigns.length === 0 ? (
          <EmptyStateLayout content={t('campaigns.empty', 'No campaigns yet.')} />
        ) : (
          <Table colCount={9} rowCount={campaigns.length + 1} aria-label={title}>
            <Thead>
              <Tr>
                {header('name', t('campaigns.name', 'Name'))}
                {header('segment', t('campaigns.segment', 'Segment'))}
                {header('status', t('campaigns.statusColumn', 'Status'))}
                {header('schedule', t('campaigns.scheduleColumn', 'Schedule'))}
                {header('recipients', t('campaigns.metrics.recipients', 'Recipients'))}
                {header('sent', t('campaigns.metrics.sent', 'Sent'))}
                {header('opened', t('campaigns.metrics.opened', 'Opened'))}
                {header('clicked', t('campaigns.metrics.clicked', 'Clicked'))}
                <Th>
                  <VisuallyHidden>{t('campaigns.actions', 'Actions')}</VisuallyHidden>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {campaigns.map((c) => {
                const m = c.metrics ?? {
                  recipients: 0,
                  sent: 0,
                  failed: 0,
                  holdout: 0,
                  opened: 0,
                  clicked: 0,
                };
                return (
                  <Tr key={c.documentId} data-testid={`campaign-row-${c.documentId}`}>
                    <Td>
                      <Link tag={RouterLink} to={c.documentId}>
                        {c.name}
                      </Link>
                    </Td>
                    <Td>
                      <Typography style={{ fontFamily: 'monospace' }}>{c.segmentKey}</Typography>
                    </Td>
                    <Td>
                      <StateBadge state={c.state} />
                    </Td>
                    <Td>
                      <Typography>{scheduleSummary(t, c)}</Typography>
                    </Td>
                    <Td>
                      <Typography data-testid="metric-recipients">
                        {m.recipients.toLocaleString()}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography data-testid="metric-sent">
                        {m.sent.toLocaleString()}
                        {m.failed > 0
                          ? ` ${t('campaigns.metrics.failedSuffix', '({count} failed)', { count: m.failed })}`
                          : ''}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography data-testid="metric-opened">
                        {m.opened.toLocaleString()} · {percent(m.opened, m.sent)}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography data-testid="metric-clicked">
                        {m.clicked.toLocaleString()} · {percent(m.clicked, m.sent)}
                      </Typography>
                    </Td>
                    <Td>
                      {/* The report page (campaigns/:documentId/report) is another helper's. */}
                      {c.state !== 'draft' && (
                        <Flex justifyContent="flex-end">
                          <LinkButton
                            tag={RouterLink}
                            to={`${c.documentId}/report`}
                            variant="ghost"
                            size="S"
                            startIcon={<ChartPie />}
                          >
                            {t('campaigns.report', 'Report')}
                            <VisuallyHidden> {c.name}</VisuallyHidden>
                          </LinkButton>
                        </Flex>
                      )}
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
      </Layouts.Content>
    </PluginPage>
  );
};

export { CampaignsListPage };
