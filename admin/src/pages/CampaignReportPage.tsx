import { Box, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { fieldErrors } from '../api/client';
import { useAnalyticsApi, type CampaignReport } from '../api/analytics';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { PluginPage } from '../components/PluginPage';
import {
  engagementRate,
  funnelStagesFor,
  stageRename,
  stagesFor,
  type Stage,
} from '../campaigns/report/channelStages';

const percent = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
const interval = (ci: [number, number] | undefined) =>
  ci ? `${signed(ci[0])} … ${signed(ci[1])}` : '—';
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

const VERDICT_COLOURS: Record<string, { background: string; border: string }> = {
  winner: { background: 'success100', border: 'success200' },
  loser: { background: 'danger100', border: 'danger200' },
  srm: { background: 'danger100', border: 'danger200' },
};

const Header = ({ children }: { children: React.ReactNode }) => (
  <Th>
    <Typography variant="sigma">{children}</Typography>
  </Th>
);
const Cell = ({ children, testId }: { children: React.ReactNode; testId?: string }) => (
  <Td>
    <Typography data-testid={testId}>{children}</Typography>
  </Td>
);

const ReportContent = () => {
  const t = useT();
  const api = useAnalyticsApi();
  const { documentId = '' } = useParams<{ documentId: string }>();
  const [report, setReport] = useState<CampaignReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .campaignReport(documentId)
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch((e) => setError(fieldErrors(e)[0].message));
  }, [api, documentId]);

  if (!report && !error) return <Page.Loading />;
  const channel = report?.campaign.channel;
  const stages = stagesFor(channel);
  const rateHeader = engagementRate(channel);
  const baseLabel: Record<Stage, string> = {
    queued: t('report.queued', 'Queued'),
    sent: t('report.sent', 'Sent'),
    failed: t('report.failed', 'Failed'),
    skipped: t('report.skipped', 'Skipped'),
    opened: t('report.opened', 'Opened'),
    clicked: t('report.clicked', 'Clicked'),
    converted: t('report.converted', 'Converted'),
    unsubscribed: t('report.unsubscribed', 'Unsubscribed'),
    dismissed: t('report.dismissed', 'Dismissed'),
  };
  const stageLabel = (stage: Stage) => {
    const renamed = stageRename(stage, channel);
    if (renamed === 'displayed') return t('report.displayed', 'Displayed');
    if (renamed === 'delivered') return t('report.delivered', 'Delivered');
    if (renamed === 'qualified') return t('report.qualified', 'Qualified');
    if (renamed === 'shown') return t('report.shown', 'Shown');
    return baseLabel[stage];
  };
  const colours = VERDICT_COLOURS[report?.verdict.kind ?? ''] ?? {
    background: 'neutral100',
    border: 'neutral200',
  };
  const maxQueued = Math.max(1, ...(report?.funnel ?? []).map((f) => f.queued));
  const stats = report?.statistics;

  return (
    <PluginPage title={t('report.title', 'Campaign report')}>
        <Layouts.Header
          navigationAction={
            <BackButton disabled={false} fallback={`/plugins/segments/campaigns/${documentId}`} />
          }
          title={report ? report.campaign.name : t('report.title', 'Campaign report')}
          subtitle={
            report?.campaign.conversionEvent
              ? t(
                  'report.subtitle',
                  'Conversion: {event} within {hours} h of the e-mail (last touch).',
                  {
                    event: report.campaign.conversionEvent,
                    hours: report.campaign.conversionWindowHours,
                  }
                )
              : t('report.subtitleNoConversion', 'No conversion event: delivery funnel only.')
          }
        />
        <Layouts.Content>
          {error && (
            <Typography textColor="danger600" role="alert">
              {error}
            </Typography>
          )}
          {report && (
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Box
                background={colours.background}
                borderColor={colours.border}
                padding={5}
                hasRadius
                data-testid="report-verdict"
              >
                <Typography variant="sigma" textColor="neutral600">
                  {t('report.verdict', 'Verdict')}
                </Typography>
                <Typography tag="p" variant="omega" fontWeight="semiBold">
                  {report.verdict.text}
                </Typography>
              </Box>

              <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
                <Typography variant="delta" tag="h2">
                  {t('report.funnel', 'Funnel per variant')}
                </Typography>
                <Flex direction="column" alignItems="stretch" gap={4} paddingTop={4}>
                  {report.funnel.map((f) => (
                    <Box key={f.name}>
                      <Typography fontWeight="bold">{f.name}</Typography>
                      {funnelStagesFor(channel)
                        .filter((s) => f.variant !== null || s === 'queued' || s === 'converted')
                        .map((s) => (
                          <Flex key={s} gap={2} alignItems="center">
                            <Box width="110px">
                              <Typography variant="pi">{stageLabel(s)}</Typography>
                            </Box>
                            <div
                              aria-hidden
                              style={{
                                height: 14,
                                width: `${(f[s] / maxQueued) * 60}%`,
                                minWidth: 2,
                                background: s === 'converted' ? '#328048' : '#4945ff',
                                borderRadius: 3,
                              }}
                            />
                            <Typography variant="pi">{f[s].toLocaleString()}</Typography>
                          </Flex>
                        ))}
                    </Box>
                  ))}
                </Flex>
              </Box>

              <Table
                colCount={stages.length + (rateHeader ? 3 : 2)}
                rowCount={report.funnel.length + 1}
                aria-label={t('report.funnelTable', 'Funnel numbers')}
              >
                <Thead>
                  <Tr>
                    <Header>{t('report.variant', 'Variant')}</Header>
                    {stages.map((s) => (
                      <Header key={s}>{stageLabel(s)}</Header>
                    ))}
                    {rateHeader && (
                      <Header>
                        {rateHeader === 'display'
                          ? t('report.displayRate', 'Display rate')
                          : t('report.openRate', 'Open rate')}
                      </Header>
                    )}
                    <Header>{t('report.conversionRate', 'Conversion rate')}</Header>
                  </Tr>
                </Thead>
                <Tbody>
                  {report.funnel.map((f) => (
                    <Tr key={f.name} data-testid={`funnel-${f.variant ?? 'holdout'}`}>
                      <Cell>{f.name}</Cell>
                      {stages.map((s) => (
                        <Cell key={s} testId={`funnel-${f.variant ?? 'holdout'}-${s}`}>
                          {f[s].toLocaleString()}
                        </Cell>
                      ))}
                      {rateHeader && (
                        <Cell>{f.variant === null ? '—' : percent(rate(f.opened, f.sent))}</Cell>
                      )}
                      <Cell>
                        {percent(rate(f.converted, f.variant === null ? f.queued : f.sent))}
                      </Cell>
                    </Tr>
                  ))}
                </Tbody>
              </Table>

              {stats && (
                <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
                  <Flex direction="column" alignItems="stretch" gap={3}>
                    <Typography variant="delta" tag="h2">
                      {t('report.statistics', 'Statistics against {control}', {
                        control: report.funnel[0]?.name ?? '',
                      })}
                    </Typography>
                    <Table
                      colCount={8}
                      rowCount={stats.variations.length + 1}
                      aria-label={t('report.statistics.table', 'Statistics')}
                    >
                      <Thead>
                        <Tr>
                          <Header>{t('report.variant', 'Variant')}</Header>
                          <Header>{t('report.users', 'Users (sent)')}</Header>
                          <Header>{t('report.conversions', 'Conversions')}</Header>
                          <Header>{t('report.rate', 'Rate')}</Header>
                          <Header>{t('report.uplift', 'Uplift (95% interval)')}</Header>
                          <Header>{t('report.absolute', 'Absolute (95% interval)')}</Header>
                          <Header>{t('report.pValue', 'p-value')}</Header>
                          <Header>{t('report.chance', 'Chance to beat control')}</Header>
                        </Tr>
                      </Thead>
                      <Tbody>
                        {stats.variations.map((v) => {
                          const vs = v.vsControl;
                          return (
                            <Tr key={v.index} data-testid={`stats-${v.index}`}>
                              <Cell>{report.funnel[v.index]?.name ?? v.index}</Cell>
                              <Cell>{v.visitors.toLocaleString()}</Cell>
                              <Cell>{v.conversions.toLocaleString()}</Cell>
                              <Cell>{percent(v.rate, 2)}</Cell>
                              <Cell>
                                {vs?.relativeUplift
                                  ? `${signed(vs.relativeUplift.estimate)} (${interval(vs.relativeUplift.ci)})`
                                  : t('report.control', 'control')}
                              </Cell>
                              <Cell>
                                {vs?.absoluteUplift
                                  ? `${signed(vs.absoluteUplift.estimate)} (${interval(vs.absoluteUplift.ci)})`
                                  : '—'}
                              </Cell>
                              <Cell>
                                {vs?.pValue === null || vs?.pValue === undefined
                                  ? '—'
                                  : vs.pValue.toPrecision(2)}
                              </Cell>
                              <Cell>
                                {vs
                                  ? `${percent(vs.normalApproximation?.chanceToWin ?? null, 1)} (${t('report.exact', 'Beta')} ${percent(vs.chanceToBeatControl, 1)})`
                                  : '—'}
                              </Cell>
                            </Tr>
                          );
                        })}
                      </Tbody>
                    </Table>
                    <Typography
                      variant="pi"
                      textColor={stats.srm.mismatch ? 'danger600' : 'neutral600'}
                      data-testid="report-srm"
                    >
                      {stats.srm.mismatch
                        ? t(
                            'report.srmBad',
                            'Sample-ratio mismatch: p = {p}. The split does not match the weights.',
                            {
                              p: (stats.srm.pValue ?? 0).toPrecision(2),
                            }
                          )
                        : t('report.srmOk', 'Sample-ratio check passed (p = {p}).', {
                            p: stats.srm.pValue === null ? '—' : stats.srm.pValue.toPrecision(2),
                          })}
                    </Typography>
                    {stats.warnings
                      .filter((w) => w.type === 'min-sample')
                      .map((w) =>
                        w.type === 'min-sample' ? (
                          <Typography key={w.variation} variant="pi" textColor="warning600">
                            {t(
                              'report.minSample',
                              '{name}: only {users} users and {conversions} conversions — too few to trust.',
                              {
                                name: report.funnel[w.variation]?.name ?? String(w.variation),
                                users: w.visitors,
                                conversions: w.conversions,
                              }
                            )}
                          </Typography>
                        ) : null
                      )}
                    {report.holdout?.relativeUplift && (
                      <Typography variant="pi" data-testid="report-holdout">
                        {t(
                          'report.holdout',
                          'All e-mails vs holdout: {uplift} conversion ({interval}), p = {p}.',
                          {
                            uplift: signed(report.holdout.relativeUplift.estimate),
                            interval: interval(report.holdout.relativeUplift.ci),
                            p:
                              report.holdout.pValue === null
                                ? '—'
                                : report.holdout.pValue.toPrecision(2),
                          }
                        )}
                      </Typography>
                    )}
                    <Typography variant="pi" textColor="neutral600">
                      {t(
                        'report.method',
                        'Uplift intervals by the delta method; p-value from a two-sided two-proportion z-test; chance to beat control from a normal posterior on the uplift (flat prior), with the exact Beta-Binomial value in brackets.'
                      )}
                    </Typography>
                  </Flex>
                </Box>
              )}
            </Flex>
          )}
        </Layouts.Content>
    </PluginPage>
  );
};

/** Campaign report; needs plugin::segments.analytics.read. */
const CampaignReportPage = () => (
  <Page.Protect permissions={PERMISSIONS.analytics}>
    <ReportContent />
  </Page.Protect>
);

export { CampaignReportPage };
