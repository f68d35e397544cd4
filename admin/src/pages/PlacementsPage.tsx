import {
  Badge,
  Box,
  Button,
  Field,
  Flex,
  TextInput,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { BackButton, Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { ExperimentResults, PlacementExperiment, PlacementOverview } from '../api/contracts';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { PluginPage } from '../components/PluginPage';

/** Live results are re-read this often while the page is open. */
const RESULTS_REFRESH_MS = 10_000;

const ExperimentEditor = ({
  experiment,
  titleOf,
  canEdit,
  onSaved,
}: {
  experiment: PlacementExperiment;
  titleOf: (documentId: string) => string;
  canEdit: boolean;
  onSaved: () => void;
}) => {
  const t = useT();
  const api = useSegmentsApi();
  const { toggleNotification } = useNotification();
  // Weights are edited as text (parsed on save; the server validates them).
  const [weights, setWeights] = useState(() => experiment.variants.map((v) => String(v.weight)));
  const variants = experiment.variants.map((v, i) => ({ banner: v.banner, weight: Number(weights[i]) }));
  const [state, setState] = useState(experiment.state);
  const [errors, setErrors] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [results, setResults] = useState<ExperimentResults | null>(null);

  useEffect(() => {
    let live = true;
    const read = () =>
      api
        .experimentResults(experiment.key)
        .then((r) => live && setResults(r))
        .catch(() => undefined);
    read();
    const timer = setInterval(read, RESULTS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, experiment.key]);

  const total = variants.reduce((sum, v) => sum + (Number.isFinite(v.weight) ? v.weight : 0), 0);
  const save = async () => {
    setSaving(true);
    try {
      await api.updateExperiment(experiment.documentId, { variants, state });
      setErrors([]);
      toggleNotification({ type: 'success', message: t('placements.experiment.saved', 'Experiment saved') });
      onSaved();
    } catch (e) {
      setErrors(fieldErrors(e).map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box background="neutral100" padding={4} hasRadius data-testid={`experiment-${experiment.key}`}>
      <Flex justifyContent="space-between" alignItems="center" paddingBottom={3}>
        <Typography variant="epsilon" tag="h4">
          {experiment.name} <Typography textColor="neutral600">({experiment.key})</Typography>
        </Typography>
        <Badge active={experiment.state === 'running'}>{experiment.state}</Badge>
      </Flex>
      <Table colCount={6} rowCount={variants.length + 1}>
        <Thead>
          <Tr>
            <Th><Typography variant="sigma">{t('placements.variation', 'Variation')}</Typography></Th>
            <Th><Typography variant="sigma">{t('placements.banner', 'Banner')}</Typography></Th>
            <Th><Typography variant="sigma">{t('placements.weight', 'Weight')}</Typography></Th>
            <Th><Typography variant="sigma">{t('placements.exposures', 'Exposures')}</Typography></Th>
            <Th><Typography variant="sigma">{t('placements.conversions', 'Conversions')}</Typography></Th>
            <Th><Typography variant="sigma">{t('placements.rate', 'Rate')}</Typography></Th>
          </Tr>
        </Thead>
        <Tbody>
          {variants.map((v, i) => {
            const r = results?.variations[i];
            const rate = r && r.exposures > 0 ? `${((r.conversions / r.exposures) * 100).toFixed(1)}%` : '—';
            return (
              <Tr key={v.banner}>
                <Td><Typography>{i === 0 ? t('placements.control', 'Control') : `#${i}`}</Typography></Td>
                <Td><Typography>{titleOf(v.banner)}</Typography></Td>
                <Td><Typography>{experiment.variants[i].weight}</Typography></Td>
                <Td><Typography>{r?.exposures ?? '—'}</Typography></Td>
                <Td><Typography>{r?.conversions ?? '—'}</Typography></Td>
                <Td><Typography>{rate}</Typography></Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      {/* Inputs outside the Table: its keyboard navigation moves focus between cells. */}
      <Flex gap={3} paddingTop={3} alignItems="flex-end" wrap="wrap">
        {experiment.variants.map((v, i) => (
          <Field.Root key={v.banner} name={`weight-${i}`} width="200px">
            <Field.Label>{t('placements.weight.of', 'Weight of {banner}', { banner: titleOf(v.banner) })}</Field.Label>
            <TextInput
              size="S"
              inputMode="decimal"
              disabled={!canEdit}
              value={weights[i]}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                const text = e.target.value;
                setWeights((current) => current.map((w, j) => (j === i ? text : w)));
              }}
            />
          </Field.Root>
        ))}
        <Field.Root name="state" width="180px">
          <Field.Label>{t('placements.state', 'State')}</Field.Label>
          <SingleSelect
            size="S"
            disabled={!canEdit}
            value={state}
            onChange={(v: string | number) => setState(String(v) as PlacementExperiment['state'])}
          >
            <SingleSelectOption value="draft">{t('placements.state.draft', 'draft')}</SingleSelectOption>
            <SingleSelectOption value="running">{t('placements.state.running', 'running')}</SingleSelectOption>
            <SingleSelectOption value="stopped">{t('placements.state.stopped', 'stopped')}</SingleSelectOption>
          </SingleSelect>
        </Field.Root>
        <Typography textColor={Math.abs(total - 1) > 0.001 ? 'danger600' : 'neutral600'}>
          {t('placements.weights.total', 'Weights sum to {total}', { total: Number(total.toFixed(3)) })}
        </Typography>
        {canEdit ? (
          <Button onClick={save} loading={saving}>
            {t('placements.experiment.save', 'Save experiment')}
          </Button>
        ) : null}
      </Flex>
      {errors.length > 0 && (
        <Box paddingTop={2} role="alert" data-testid="experiment-errors">
          {errors.map((e) => (
            <Typography key={e} tag="p" textColor="danger600">
              {e}
            </Typography>
          ))}
        </Box>
      )}
      {results?.conversionEvent ? (
        <Typography variant="pi" textColor="neutral600" tag="p" paddingTop={2}>
          {t('placements.conversion', 'Conversion: {event} within {hours} h of exposure; refreshed every 10 s.', {
            event: results.conversionEvent,
            hours: results.conversionWindowHours,
          })}
        </Typography>
      ) : null}
    </Box>
  );
};

const PlacementCard = ({
  placement,
  canEdit,
  reload,
}: {
  placement: PlacementOverview;
  canEdit: boolean;
  reload: () => void;
}) => {
  const t = useT();
  const titles = new Map(placement.banners.map((b) => [b.documentId, b.title]));
  const titleOf = (id: string) => titles.get(id) ?? id;
  return (
    <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid={`placement-${placement.placement}`}>
      <Typography variant="beta" tag="h2">
        {placement.placement}
      </Typography>
      {placement.outcomes.map((o) => (
        <Box key={o.locale ?? ''} paddingTop={4}>
          <Typography variant="delta" tag="h3">
            {o.locale
              ? t('placements.outcomes.locale', 'Who gets which banner ({locale})', { locale: o.locale })
              : t('placements.outcomes', 'Who gets which banner')}
          </Typography>
          <Table colCount={3} rowCount={o.rows.length + 1}>
            <Thead>
              <Tr>
                <Th><Typography variant="sigma">{t('placements.segment', 'Segment')}</Typography></Th>
                <Th><Typography variant="sigma">{t('placements.shown', 'Shown banner')}</Typography></Th>
                <Th><Typography variant="sigma">{t('placements.order', 'Priority order')}</Typography></Th>
              </Tr>
            </Thead>
            <Tbody>
              {o.rows.map((row) => (
                <Tr key={row.segment?.documentId ?? '(everyone)'}>
                  <Td>
                    <Typography>{row.segment ? row.segment.name : t('placements.everyoneElse', 'Everyone else')}</Typography>
                  </Td>
                  <Td>
                    <Typography fontWeight="semiBold">
                      {row.banner ? titleOf(row.banner) : t('placements.nothing', 'Nothing (404)')}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography textColor="neutral600">{row.ranked.map(titleOf).join(' › ') || '—'}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Box>
      ))}
      <Box paddingTop={4}>
        <Typography variant="delta" tag="h3">
          {t('placements.banners', 'Banners')}
        </Typography>
        <Table colCount={5} rowCount={placement.banners.length + 1}>
          <Thead>
            <Tr>
              <Th><Typography variant="sigma">{t('placements.banner', 'Banner')}</Typography></Th>
              <Th><Typography variant="sigma">{t('placements.locale', 'Locale')}</Typography></Th>
              <Th><Typography variant="sigma">{t('placements.status', 'Status')}</Typography></Th>
              <Th><Typography variant="sigma">{t('placements.priority', 'Priority')}</Typography></Th>
              <Th><Typography variant="sigma">{t('placements.targets', 'Targets')}</Typography></Th>
            </Tr>
          </Thead>
          <Tbody>
            {placement.banners.map((b) => (
              <Tr key={`${b.documentId}:${b.locale ?? ''}`}>
                <Td><Typography>{b.title}</Typography></Td>
                <Td><Typography>{b.locale ?? '—'}</Typography></Td>
                <Td>
                  <Badge active={b.published && b.live}>
                    {!b.published
                      ? t('placements.draft', 'Draft')
                      : b.live
                        ? t('placements.live', 'Live')
                        : t('placements.outside', 'Outside its window')}
                  </Badge>
                </Td>
                <Td><Typography>{b.priority}</Typography></Td>
                <Td>
                  <Typography>
                    {b.targets.length ? b.targets.map((s) => s.name).join(', ') : t('placements.everyone', 'Everyone')}
                  </Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Box>
      {placement.experiments.length > 0 && (
        <Flex direction="column" alignItems="stretch" gap={3} paddingTop={4}>
          <Typography variant="delta" tag="h3">
            {t('placements.experiments', 'Experiments')}
          </Typography>
          {placement.experiments.map((e) => (
            <ExperimentEditor key={e.documentId} experiment={e} titleOf={titleOf} canEdit={canEdit} onSaved={reload} />
          ))}
        </Flex>
      )}
    </Box>
  );
};

/** Per placement: which banner each segment gets, the banners, and the experiments on it. */
const PlacementsPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const { allowedActions } = useRBAC(PERMISSIONS.updateExperiments);
  const [data, setData] = useState<PlacementOverview[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setData(await api.placements());
      setError(null);
    } catch (e) {
      setError(fieldErrors(e)[0].message);
    }
  }, [api]);
  useEffect(() => {
    load();
  }, [load]);

  if (!data && !error) return <Page.Loading />;
  return (
    <PluginPage title={t('placements.title', 'Placements')}>
        <Layouts.Header
          navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
          title={t('placements.title', 'Placements')}
          subtitle={t(
            'placements.subtitle',
            'Which banner each segment gets in each placement, and the experiments running there. Edit banners in the Content Manager.'
          )}
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {error && (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            )}
            {data?.length === 0 && (
              <Typography>{t('placements.empty', 'No banners yet: create one in the Content Manager (Banner).')}</Typography>
            )}
            {data?.map((p) => (
              <PlacementCard key={p.placement} placement={p} canEdit={Boolean(allowedActions.canUpdate)} reload={load} />
            ))}
          </Flex>
        </Layouts.Content>
    </PluginPage>
  );
};

export { PlacementsPage };
