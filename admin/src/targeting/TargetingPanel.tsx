import {
  Badge,
  Box,
  Field,
  Flex,
  MultiSelect,
  MultiSelectOption,
  NumberInput,
  Typography,
} from '@strapi/design-system';
import {
  isFetchError,
  unstable_useContentManagerContext as useContentManagerContext,
  useDocumentRBAC,
  useFetchClient,
} from '@strapi/strapi/admin';
import { useEffect, useMemo, useState } from 'react';
import { useSegmentsApi } from '../api/client';
import type { SegmentSummary, TargetingEstimate } from '../api/contracts';
import { useT } from '../utils/useT';
import {
  hasTargeting,
  PRIORITY_FIELD,
  relationDelta,
  selectedTargets,
  TARGETS_FIELD,
  type RelationDelta,
} from './fields';

interface PanelProps {
  model: string;
  documentId?: string;
  document?: { updatedAt?: string; locale?: string | null; [key: string]: unknown };
  activeTab?: string | null;
}

/** The targets saved on this entry version (the CM form only holds what changes). */
function useSavedTargets(props: PanelProps): { saved: string[] | null; error: string | null } {
  const { get } = useFetchClient();
  const [state, setState] = useState<{ saved: string[] | null; error: string | null }>({ saved: null, error: null });
  const { model, documentId, activeTab } = props;
  const locale = props.document?.locale ?? undefined;
  const version = props.document?.updatedAt;
  useEffect(() => {
    if (!documentId || documentId === 'create') {
      setState({ saved: [], error: null });
      return;
    }
    let live = true;
    get<{ results: Array<{ documentId: string }> }>(
      `/content-manager/relations/${model}/${documentId}/${TARGETS_FIELD}`,
      { params: { pageSize: 100, ...(locale ? { locale } : {}), ...(activeTab ? { status: activeTab } : {}) } }
    )
      .then((res) => live && setState({ saved: res.data.results.map((r) => r.documentId), error: null }))
      .catch((e) => live && setState({ saved: null, error: isFetchError(e) ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [get, model, documentId, locale, activeTab, version]);
  return state;
}

const TargetingPanelContent = (props: PanelProps) => {
  const t = useT();
  const api = useSegmentsApi();
  const context = useContentManagerContext();
  const isCreatingEntry = context.isCreatingEntry;
  const form = context.form as { values: Record<string, unknown>; onChange(name: string, value: unknown): void };
  const canEdit = useDocumentRBAC('SegmentsTargeting', (s) => (isCreatingEntry ? s.canCreate : s.canUpdate));
  const [segments, setSegments] = useState<SegmentSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [estimate, setEstimate] = useState<TargetingEstimate | null>(null);
  const { saved, error: savedError } = useSavedTargets(props);

  const values = form.values;
  const delta = values[TARGETS_FIELD] as RelationDelta | undefined;
  const selection = useMemo(() => (saved ? selectedTargets(saved, delta) : []), [saved, delta]);
  const priority = Number(values[PRIORITY_FIELD] ?? 0);

  useEffect(() => {
    api
      .listSegments()
      .then(setSegments)
      .catch((e) => setListError(isFetchError(e) && e.status === 403 ? 'forbidden' : String(e)));
  }, [api]);

  const selectionKey = selection.join(',');
  useEffect(() => {
    if (!saved) return;
    let live = true;
    // Debounced: one request per pause in editing, not per click.
    const timer = setTimeout(() => {
      api
        .estimateTargeting(selection)
        .then((e) => live && setEstimate(e))
        .catch(() => live && setEstimate(null));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // selectionKey stands for selection.
  }, [api, selectionKey, saved]);

  if (listError === 'forbidden') {
    return (
      <Typography variant="pi" textColor="neutral600">
        {t('targeting.forbidden', 'You need access to Segments to target this entry.')}
      </Typography>
    );
  }
  if (listError || savedError) {
    return (
      <Typography variant="pi" textColor="danger600" role="alert">
        {listError ?? savedError}
      </Typography>
    );
  }
  if (!segments || !saved) {
    return <Typography variant="pi">{t('targeting.loading', 'Loading segments…')}</Typography>;
  }

  const byId = new Map(segments.map((s) => [s.documentId, s]));
  const onSelect = (next: string[]) => form.onChange(TARGETS_FIELD, relationDelta(saved, next));
  const pct = estimate && estimate.totalProfiles > 0 ? Math.round((estimate.size / estimate.totalProfiles) * 100) : 0;

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="targeting-panel">
      <Field.Root
        name="segments-targets"
        hint={t('targeting.targets.hint', 'Empty: everyone sees this entry.')}
      >
        <Field.Label>{t('targeting.targets', 'Target segments')}</Field.Label>
        <MultiSelect
          size="S"
          withTags
          disabled={!canEdit}
          value={selection}
          placeholder={t('targeting.everyone', 'Everyone')}
          onChange={(next: string[]) => onSelect(next)}
          onClear={() => onSelect([])}
          clearLabel={t('targeting.clear', 'Clear the targets')}
        >
          {segments.map((s) => (
            <MultiSelectOption key={s.documentId} value={s.documentId}>
              {s.state === 'archived' ? `${s.name} (${t('targeting.archived', 'archived')})` : s.name}
            </MultiSelectOption>
          ))}
          {/* A linked segment the list no longer returns still shows, so it can be removed. */}
          {selection
            .filter((id) => !byId.has(id))
            .map((id) => (
              <MultiSelectOption key={id} value={id}>
                {id}
              </MultiSelectOption>
            ))}
        </MultiSelect>
        <Field.Hint />
      </Field.Root>
      <Field.Root
        name="segments-priority"
        hint={t('targeting.priority.hint', 'Higher first when several entries match a visitor.')}
      >
        <Field.Label>{t('targeting.priority', 'Priority')}</Field.Label>
        <NumberInput
          size="S"
          disabled={!canEdit}
          value={Number.isFinite(priority) ? priority : 0}
          onValueChange={(v: number | undefined) => form.onChange(PRIORITY_FIELD, v ?? 0)}
        />
        <Field.Hint />
      </Field.Root>
      <Box background="neutral100" padding={3} hasRadius>
        <Typography variant="sigma" textColor="neutral600" tag="p">
          {t('targeting.who', 'Who will see this')}
        </Typography>
        {estimate ? (
          <Typography variant="omega" tag="p" data-testid="targeting-estimate" aria-live="polite">
            {estimate.everyone
              ? t('targeting.who.everyone', 'Everyone ({total} known profiles)', { total: estimate.totalProfiles })
              : t('targeting.who.some', '{size} of {total} profiles ({pct}%)', {
                  size: estimate.size,
                  total: estimate.totalProfiles,
                  pct,
                })}
          </Typography>
        ) : (
          <Typography variant="pi">{t('targeting.who.loading', 'Estimating…')}</Typography>
        )}
        {estimate && !estimate.everyone ? (
          <Flex gap={1} wrap="wrap" paddingTop={2}>
            {estimate.segments.map((s) => (
              <Badge key={s.documentId}>
                {s.name}: {s.size ?? '?'}
              </Badge>
            ))}
          </Flex>
        ) : null}
        <Typography variant="pi" textColor="neutral600" tag="p">
          {t('targeting.who.note', 'Members as of each segment\'s last recompute; visitors without a profile see only untargeted entries.')}
        </Typography>
      </Box>
    </Flex>
  );
};

/**
 * Content Manager edit-view side panel for targeting-enabled types. The CM calls it like a
 * component (hooks allowed) and renders the returned description; null hides it.
 */
export const TargetingPanel = (props: PanelProps) => {
  const t = useT();
  const { contentType } = useContentManagerContext();
  if (!hasTargeting(contentType as { attributes?: Record<string, unknown> } | undefined)) return null;
  return {
    title: t('targeting.title', 'Targeting'),
    content: <TargetingPanelContent {...props} />,
  };
};
