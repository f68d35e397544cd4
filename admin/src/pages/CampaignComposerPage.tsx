import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  Field,
  Flex,
  Grid,
  IconButton,
  LinkButton,
  Loader,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Typography,
} from '@strapi/design-system';
import {
  ChartPie,
  Check,
  Cross,
  Mail,
  Play,
  Plus,
  Stop,
  Trash,
  WarningCircle,
} from '@strapi/icons';
import { BackButton, Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type {
  Campaign,
  CampaignStatus,
  CampaignVariant,
  FieldError,
  PreviewResult,
  RenderedPreview,
  SegmentSummary,
} from '../api/contracts';
import { PluginPage } from '../components/PluginPage';
import { PERMISSIONS } from '../permissions';
import {
  browserZone,
  emptyForm,
  formOf,
  inputOf,
  newVariant,
  type Form,
} from '../utils/campaignForm';
import { useCan } from '../utils/useCan';
import { latestOnly, renderDraftRequest, variantFieldErrors } from '../utils/livePreview';
import { useT, type T } from '../utils/useT';
import { scheduleSummary, StatusBadge } from './CampaignsListPage';
import { SendHourPreview } from '../components/SendHourPreview';

const BACK = '/plugins/segments/campaigns';
const EDITABLE: CampaignStatus[] = ['draft', 'scheduled', 'paused'];

// ---- small labelled fields (every control has a visible label) -----------------------------

const Text = ({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  required,
  suggestions,
  name,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  type?: 'text' | 'time' | 'datetime-local' | 'email';
  required?: boolean;
  suggestions?: string[];
  name?: string;
}) => {
  const listId = useId();
  return (
    <Field.Root name={name} error={error} hint={hint} required={required}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        type={type}
        value={value}
        autoComplete="off"
        list={suggestions?.length ? listId : undefined}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      {suggestions?.length ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

const Num = ({
  label,
  value,
  onChange,
  error,
  hint,
  step,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  error?: string;
  hint?: string;
  step?: number;
}) => (
  <Field.Root error={error} hint={hint}>
    <Field.Label>{label}</Field.Label>
    <NumberInput
      step={step}
      value={Number.isFinite(value) ? value : undefined}
      onValueChange={(v: number | undefined) => onChange(v ?? 0)}
    />
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

const Select = <V extends string>({
  label,
  value,
  options,
  onChange,
  error,
  hint,
  placeholder,
}: {
  label: string;
  value: V | '';
  options: Array<{ value: V; label: string }>;
  onChange: (v: V) => void;
  error?: string;
  hint?: string;
  placeholder?: string;
}) => (
  <Field.Root error={error} hint={hint}>
    <Field.Label>{label}</Field.Label>
    <SingleSelect
      value={value}
      placeholder={placeholder}
      onChange={(v: string | number) => onChange(String(v) as V)}
    >
      {options.map((o) => (
        <SingleSelectOption key={o.value} value={o.value}>
          {o.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

const Toggle = ({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) => (
  <Checkbox
    checked={checked}
    onCheckedChange={(c: boolean | 'indeterminate') => onChange(c === true)}
  >
    {label}
  </Checkbox>
);

const Section = ({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) => (
  <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid={testId}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

/** A button that asks first (design-system Dialog); the action runs on "confirm". */
const ConfirmButton = ({
  label,
  title,
  body,
  confirmLabel,
  onConfirm,
  icon,
  variant = 'secondary',
  danger,
  loading,
}: {
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  icon: ReactNode;
  variant?: 'default' | 'secondary' | 'danger-light';
  danger?: boolean;
  loading?: boolean;
}) => {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger>
        <Button variant={variant} startIcon={icon} loading={loading}>
          {label}
        </Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body icon={<WarningCircle fill={danger ? 'danger600' : 'warning600'} />}>
          <Dialog.Description>{body}</Dialog.Description>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {t('campaigns.confirm.back', 'Go back')}
            </Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button
              fullWidth
              variant={danger ? 'danger' : 'default'}
              onClick={async () => {
                setOpen(false);
                await onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};

// ---- the page ----------------------------------------------------------------------------------

const CampaignComposerPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const navigate = useNavigate();
  const { documentId } = useParams<{ documentId: string }>();
  const { toggleNotification } = useNotification();
  const { can, canAny, isLoading: permissionsLoading } = useCan();
  const canManage = can(PERMISSIONS.manageCampaigns);
  const canSend = can(PERMISSIONS.sendCampaigns);

  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [form, setForm] = useState<Form>(emptyForm);
  const [savedBody, setSavedBody] = useState('');
  const [segments, setSegments] = useState<SegmentSummary[]>([]);
  const [failed, setFailed] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  // Template errors of the live preview, shown on the variant field they come from.
  const [liveErrors, setLiveErrors] = useState<FieldError[]>([]);
  // The variant last edited (a new object per edit): the preview follows it.
  const [editedVariant, setEditedVariant] = useState({ index: 0 });
  const [busy, setBusy] = useState<string | null>(null);

  const set = useCallback(
    <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value })),
    []
  );
  const setVariant = (i: number, patch: Partial<CampaignVariant>) => {
    setEditedVariant({ index: i });
    setForm((f) => ({
      ...f,
      variants: f.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)),
    }));
  };

  const adopt = useCallback((c: Campaign) => {
    setCampaign(c);
    const next = formOf(c);
    setForm(next);
    const body = inputOf(next, c);
    setSavedBody('data' in body ? JSON.stringify(body.data) : '');
  }, []);

  useEffect(() => {
    api.listSegments().then(setSegments, () => setSegments([]));
    if (documentId) api.getCampaign(documentId).then(adopt, () => setFailed(true));
  }, [api, documentId, adopt]);

  const body = useMemo(() => inputOf(form, campaign), [form, campaign]);
  const dirty = !documentId || !('data' in body) || JSON.stringify(body.data) !== savedBody;
  const status: CampaignStatus = campaign?.status ?? 'draft';
  const editable = canManage && EDITABLE.includes(status);

  const errorFor = (path: string) => {
    const hit = [...errors, ...liveErrors].find(
      (e) => e.path === path || e.path.startsWith(`${path}.`)
    );
    if (!hit) return undefined;
    return hit.path === path ? hit.message : `${hit.path.slice(path.length + 1)}: ${hit.message}`;
  };

  /** Saves when there is something to save; returns the campaign's id (null when refused). */
  const save = async (): Promise<string | null> => {
    if ('errors' in body) {
      setErrors(body.errors);
      return null;
    }
    if (documentId && !dirty) return documentId;
    setBusy('save');
    setErrors([]);
    try {
      const saved = documentId
        ? await api.updateCampaign(documentId, body.data)
        : await api.createCampaign(body.data);
      toggleNotification({ type: 'success', message: t('campaigns.saved', 'Campaign saved') });
      if (documentId) adopt(saved);
      else navigate(`../${saved.documentId}`, { relative: 'path' });
      return saved.documentId;
    } catch (error) {
      setErrors(fieldErrors(error));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const act = async (action: 'schedule' | 'pause' | 'resume' | 'cancel') => {
    if (!documentId) return;
    if (action === 'schedule' && editable && dirty && !(await save())) return;
    setBusy(action);
    try {
      adopt(await api.campaignAction(documentId, action));
      toggleNotification({
        type: 'success',
        message: {
          schedule: t('campaigns.done.schedule', 'Campaign scheduled'),
          pause: t('campaigns.done.pause', 'Campaign paused'),
          resume: t('campaigns.done.resume', 'Campaign resumed'),
          cancel: t('campaigns.done.cancel', 'Campaign cancelled'),
        }[action],
      });
    } catch (error) {
      const [first] = fieldErrors(error);
      toggleNotification({ type: 'danger', message: first.message });
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!documentId) return;
    setBusy('delete');
    try {
      await api.deleteCampaign(documentId);
      toggleNotification({
        type: 'success',
        message: t('campaigns.done.delete', 'Campaign deleted'),
      });
      navigate(BACK);
    } catch (error) {
      toggleNotification({ type: 'danger', message: fieldErrors(error)[0].message });
      setBusy(null);
    }
  };

  if (permissionsLoading) return <Page.Loading />;
  if (documentId ? !canAny(PERMISSIONS.campaigns) : !canManage) return <Page.NoPermissions />;
  if (failed) return <Page.Error />;
  if (documentId && !campaign) return <Page.Loading />;

  const title = documentId
    ? form.name || campaign?.name || ''
    : t('campaigns.newTitle', 'New campaign');
  const weightTotal = form.variants.reduce((s, v) => s + (v.weight > 0 ? v.weight : 0), 0) || 1;
  const share = (w: number) =>
    Math.round(((w > 0 ? w : 0) / weightTotal) * (100 - form.holdoutPercent) * 10) / 10;
  const generalErrors = errors.filter(
    (e) =>
      ![
        'name',
        'segmentKey',
        'variants',
        'holdoutPercent',
        'scheduleType',
        'sendAt',
        'cron',
        'timezone',
        'localTime',
        'quietHours',
        'frequencyCap',
        'conversionEvent',
        'conversionWindowHours',
        'trigger',
        'triggerDelayMinutes',
        'reentry',
        'exitEvent',
        'intelligentTiming',
      ].some((f) => e.path === f || e.path.startsWith(`${f}.`))
  );
  const zones =
    (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
      'timeZone'
    ) ?? [];
  const segmentOptions = segments
    .filter((s) => s.state === 'active' || s.key === form.segmentKey)
    .map((s) => ({ value: s.key, label: `${s.name} (${s.key})` }));

  const actions = documentId ? (
    <Flex gap={2} wrap="wrap" data-testid="campaign-actions">
      {status === 'draft' && canSend && (
        <ConfirmButton
          label={t('campaigns.action.schedule', 'Schedule')}
          title={t('campaigns.confirm.scheduleTitle', 'Schedule this campaign?')}
          body={t(
            'campaigns.confirm.scheduleBody',
            '{schedule}: it goes to the members of “{segment}” then (unsaved changes are saved first).',
            {
              schedule: scheduleSummary(t, {
                ...(campaign as Campaign),
                ...('data' in body ? body.data : {}),
              } as Campaign),
              segment: form.segmentKey,
            }
          )}
          confirmLabel={t('campaigns.confirm.schedule', 'Yes, schedule')}
          icon={<Play />}
          variant="default"
          loading={busy === 'schedule'}
          onConfirm={() => act('schedule')}
        />
      )}
      {(status === 'scheduled' || status === 'sending') && canManage && (
        <ConfirmButton
          label={t('campaigns.action.pause', 'Pause')}
          title={t('campaigns.confirm.pauseTitle', 'Pause this campaign?')}
          body={t('campaigns.confirm.pauseBody', 'Nothing more is sent until it is resumed.')}
          confirmLabel={t('campaigns.confirm.pause', 'Yes, pause')}
          icon={<Stop />}
          loading={busy === 'pause'}
          onConfirm={() => act('pause')}
        />
      )}
      {status === 'paused' && canSend && (
        <ConfirmButton
          label={t('campaigns.action.resume', 'Resume')}
          title={t('campaigns.confirm.resumeTitle', 'Resume this campaign?')}
          body={t('campaigns.confirm.resumeBody', 'Sending continues where it stopped.')}
          confirmLabel={t('campaigns.confirm.resume', 'Yes, resume')}
          icon={<Play />}
          variant="default"
          loading={busy === 'resume'}
          onConfirm={() => act('resume')}
        />
      )}
      {EDITABLE.concat('sending').includes(status) && canManage && (
        <ConfirmButton
          label={t('campaigns.action.cancel', 'Cancel campaign')}
          title={t('campaigns.confirm.cancelTitle', 'Cancel this campaign?')}
          body={t(
            'campaigns.confirm.cancelBody',
            'Messages not yet sent are dropped. A cancelled campaign cannot be scheduled again.'
          )}
          confirmLabel={t('campaigns.confirm.cancel', 'Yes, cancel it')}
          icon={<Cross />}
          variant="danger-light"
          danger
          loading={busy === 'cancel'}
          onConfirm={() => act('cancel')}
        />
      )}
      {status !== 'sending' && canManage && (
        <ConfirmButton
          label={t('campaigns.action.delete', 'Delete')}
          title={t('campaigns.confirm.deleteTitle', 'Delete this campaign?')}
          body={t(
            'campaigns.confirm.deleteBody',
            'The campaign and its delivery log are deleted for good.'
          )}
          confirmLabel={t('campaigns.confirm.delete', 'Yes, delete')}
          icon={<Trash />}
          variant="danger-light"
          danger
          loading={busy === 'delete'}
          onConfirm={remove}
        />
      )}
      {status !== 'draft' && (
        <LinkButton tag={RouterLink} to="report" variant="tertiary" startIcon={<ChartPie />}>
          {t('campaigns.report', 'Report')}
        </LinkButton>
      )}
    </Flex>
  ) : null;

  return (
    <PluginPage title={title}>
      <Layouts.Header
        navigationAction={<BackButton disabled={false} fallback={BACK} />}
        title={title}
        subtitle={
          documentId ? (
            <Flex gap={2}>
              <StatusBadge status={status} />
              <Typography textColor="neutral600">
                {scheduleSummary(t, campaign as Campaign)}
              </Typography>
            </Flex>
          ) : (
            t('campaigns.composerSubtitle', 'Audience, variants, schedule and delivery rules.')
          )
        }
        primaryAction={
          editable ? (
            <Button
              startIcon={<Check />}
              onClick={save}
              loading={busy === 'save'}
              disabled={!dirty}
            >
              {t('campaigns.save', 'Save')}
            </Button>
          ) : undefined
        }
        secondaryAction={actions}
      />
      <Layouts.Content>
        <Grid.Root gap={4}>
          <Grid.Item col={7} s={12} direction="column" alignItems="stretch">
            <Flex direction="column" alignItems="stretch" gap={4}>
              {!editable && documentId && (
                <Alert
                  variant="default"
                  closeLabel={t('close', 'Close')}
                  title={t('campaigns.readOnlyTitle', 'Read only')}
                >
                  {canManage
                    ? t(
                        'campaigns.readOnlyStatus',
                        'A campaign can only be edited while it is a draft, scheduled or paused.'
                      )
                    : t('campaigns.readOnlyRole', 'Your role may not edit campaigns.')}
                </Alert>
              )}
              {generalErrors.map((e) => (
                <Alert
                  key={e.path + e.message}
                  variant="danger"
                  closeLabel={t('close', 'Close')}
                  title={t('campaigns.notSaved', 'Not saved')}
                >
                  {e.path && e.path !== '(root)' ? `${e.path}: ${e.message}` : e.message}
                </Alert>
              ))}
              <fieldset
                disabled={!editable}
                style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}
              >
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Section title={t('campaigns.section.audience', 'Audience')}>
                    <Grid.Root gap={4}>
                      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                        <Text
                          name="name"
                          label={t('campaigns.name', 'Name')}
                          required
                          value={form.name}
                          onChange={(v) => set('name', v)}
                          error={errorFor('name')}
                        />
                      </Grid.Item>
                      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                        <Select
                          label={t('campaigns.segment', 'Segment')}
                          value={form.segmentKey}
                          placeholder={t('campaigns.segmentPlaceholder', 'Choose a segment')}
                          options={segmentOptions}
                          onChange={(v) => set('segmentKey', v)}
                          error={errorFor('segmentKey')}
                          hint={t(
                            'campaigns.segmentHint',
                            'Members with an e-mail address, consent and no unsubscribe receive it.'
                          )}
                        />
                      </Grid.Item>
                    </Grid.Root>
                  </Section>

                  <Section title={t('campaigns.section.variants', 'Variants')} testId="variants">
                    {form.variants.map((v, i) => (
                      <Box
                        key={i}
                        padding={4}
                        hasRadius
                        borderColor="neutral200"
                        data-testid={`variant-${i}`}
                      >
                        <Flex direction="column" alignItems="stretch" gap={3}>
                          <Flex gap={3} alignItems="flex-end">
                            <Box flex="1">
                              <Text
                                label={t('campaigns.variant.name', 'Variant name')}
                                value={v.name}
                                onChange={(x) => setVariant(i, { name: x })}
                                error={errorFor(`variants.${i}.name`)}
                              />
                            </Box>
                            <Box width="140px">
                              <Num
                                label={t('campaigns.variant.weight', 'Weight')}
                                value={v.weight}
                                step={1}
                                onChange={(x) => setVariant(i, { weight: x })}
                                error={errorFor(`variants.${i}.weight`)}
                              />
                            </Box>
                            <Box paddingBottom={2}>
                              <Typography
                                variant="pi"
                                textColor="neutral600"
                                data-testid="variant-share"
                              >
                                {t('campaigns.variant.share', '{share}% of recipients', {
                                  share: share(v.weight),
                                })}
                              </Typography>
                            </Box>
                            {form.variants.length > 1 && (
                              <IconButton
                                label={t('campaigns.variant.remove', 'Remove variant {name}', {
                                  name: v.name,
                                })}
                                onClick={() =>
                                  setForm((f) => ({
                                    ...f,
                                    variants: f.variants.filter((_, j) => j !== i),
                                  }))
                                }
                              >
                                <Trash />
                              </IconButton>
                            )}
                          </Flex>
                          <Text
                            label={t('campaigns.variant.subject', 'Subject')}
                            required
                            value={v.subject}
                            onChange={(x) => setVariant(i, { subject: x })}
                            error={errorFor(`variants.${i}.subject`)}
                            hint={t('campaigns.variant.liquidHint', 'Liquid, e.g. {examples}', {
                              examples:
                                '{{ traits.first_name }}, {{ user.email }}, {{ unsubscribe_url }}',
                            })}
                          />
                          <Text
                            label={t('campaigns.variant.preheader', 'Preheader')}
                            value={v.preheader ?? ''}
                            onChange={(x) => setVariant(i, { preheader: x })}
                            error={errorFor(`variants.${i}.preheader`)}
                          />
                          <Field.Root error={errorFor(`variants.${i}.html`)} required>
                            <Field.Label>{t('campaigns.variant.html', 'HTML body')}</Field.Label>
                            <Textarea
                              rows={8}
                              style={{ fontFamily: 'monospace' }}
                              value={v.html}
                              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                                setVariant(i, { html: e.target.value })
                              }
                            />
                            <Field.Error />
                          </Field.Root>
                          <Field.Root
                            error={errorFor(`variants.${i}.text`)}
                            hint={t(
                              'campaigns.variant.textHint',
                              'Optional: derived from the HTML when empty.'
                            )}
                          >
                            <Field.Label>
                              {t('campaigns.variant.text', 'Plain-text body')}
                            </Field.Label>
                            <Textarea
                              rows={4}
                              value={v.text ?? ''}
                              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                                setVariant(i, { text: e.target.value })
                              }
                            />
                            <Field.Hint />
                            <Field.Error />
                          </Field.Root>
                        </Flex>
                      </Box>
                    ))}
                    <Flex gap={4} alignItems="flex-end" wrap="wrap">
                      {form.variants.length < 10 && (
                        <Button
                          variant="secondary"
                          startIcon={<Plus />}
                          onClick={() =>
                            setForm((f) => ({
                              ...f,
                              variants: [...f.variants, newVariant(f.variants.length)],
                            }))
                          }
                        >
                          {t('campaigns.variant.add', 'Add variant')}
                        </Button>
                      )}
                      <Box width="220px">
                        <Num
                          label={t('campaigns.holdout', 'Holdout (% kept out)')}
                          value={form.holdoutPercent}
                          onChange={(x) => set('holdoutPercent', x)}
                          error={errorFor('holdoutPercent')}
                          hint={t('campaigns.holdoutHint', 'Measured against, never sent.')}
                        />
                      </Box>
                    </Flex>
                  </Section>

                  <Section title={t('campaigns.section.schedule', 'Schedule')} testId="schedule">
                    <Grid.Root gap={4}>
                      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                        <Select
                          label={t('campaigns.scheduleType', 'When')}
                          value={form.scheduleType}
                          options={[
                            {
                              value: 'now',
                              label: t('campaigns.schedule.now', 'As soon as scheduled'),
                            },
                            {
                              value: 'at',
                              label: t('campaigns.schedule.at', 'At a date and time'),
                            },
                            {
                              value: 'recurring',
                              label: t('campaigns.schedule.recurring', 'Recurring (cron)'),
                            },
                            {
                              value: 'triggered',
                              label: t(
                                'campaigns.schedule.triggered',
                                'Triggered by an event or segment entry'
                              ),
                            },
                          ]}
                          onChange={(v) => set('scheduleType', v)}
                          error={errorFor('scheduleType')}
                        />
                      </Grid.Item>
                      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                        <Text
                          label={t('campaigns.timezone', 'Time zone')}
                          value={form.timezone}
                          suggestions={zones}
                          onChange={(v) => set('timezone', v)}
                          error={errorFor('timezone')}
                          hint={t(
                            'campaigns.timezoneHint',
                            'For the cron and for recipients without a known zone.'
                          )}
                        />
                      </Grid.Item>
                      {form.scheduleType === 'at' && (
                        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                          <Text
                            type="datetime-local"
                            label={t('campaigns.sendAt', 'Send at')}
                            value={form.sendAt}
                            onChange={(v) => set('sendAt', v)}
                            error={errorFor('sendAt')}
                            hint={t(
                              'campaigns.sendAtHint',
                              'In your browser’s time zone ({zone}).',
                              { zone: browserZone() }
                            )}
                          />
                        </Grid.Item>
                      )}
                      {form.scheduleType === 'recurring' && (
                        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                          <Text
                            label={t('campaigns.cron', 'Cron expression')}
                            value={form.cron}
                            onChange={(v) => set('cron', v)}
                            error={errorFor('cron')}
                            hint={t(
                              'campaigns.cronHint',
                              'Five fields, e.g. 0 9 * * 1 for Mondays at 09:00.'
                            )}
                          />
                        </Grid.Item>
                      )}
                    </Grid.Root>
                    {form.scheduleType === 'triggered' && (
                      <Box padding={4} hasRadius borderColor="neutral200" data-testid="trigger">
                        <Grid.Root gap={4}>
                          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                            <Select
                              label={t('campaigns.trigger.kind', 'Trigger')}
                              value={form.triggerKind}
                              options={[
                                {
                                  value: 'event',
                                  label: t('campaigns.trigger.event', 'An event happens'),
                                },
                                {
                                  value: 'segmentEntry',
                                  label: t(
                                    'campaigns.trigger.segmentEntry',
                                    'A profile enters a segment'
                                  ),
                                },
                              ]}
                              onChange={(v) => set('triggerKind', v)}
                              error={errorFor('trigger')}
                            />
                          </Grid.Item>
                          {form.triggerKind === 'event' ? (
                            <>
                              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                                <Text
                                  label={t('campaigns.trigger.eventName', 'Event name')}
                                  value={form.triggerEvent}
                                  onChange={(v) => set('triggerEvent', v)}
                                  error={errorFor('trigger.event')}
                                />
                              </Grid.Item>
                              <Grid.Item col={12} direction="column" alignItems="stretch">
                                <Text
                                  label={t(
                                    'campaigns.trigger.where',
                                    'Event properties match (JSON condition, optional)'
                                  )}
                                  value={form.triggerWhere}
                                  onChange={(v) => set('triggerWhere', v)}
                                  error={errorFor('trigger.where')}
                                />
                              </Grid.Item>
                            </>
                          ) : (
                            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                              <Select
                                label={t('campaigns.trigger.segment', 'Segment entered')}
                                value={form.triggerSegment}
                                options={segmentOptions}
                                onChange={(v) => set('triggerSegment', v)}
                                error={errorFor('trigger.segmentEntry')}
                              />
                            </Grid.Item>
                          )}
                          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                            <Num
                              label={t('campaigns.trigger.delay', 'Delay (minutes)')}
                              value={form.triggerDelayMinutes}
                              onChange={(v) => set('triggerDelayMinutes', v)}
                              error={errorFor('triggerDelayMinutes')}
                            />
                          </Grid.Item>
                          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                            <Select
                              label={t('campaigns.trigger.reentry', 'Re-entry')}
                              value={form.reentry}
                              options={[
                                {
                                  value: 'once',
                                  label: t('campaigns.trigger.once', 'Once per profile'),
                                },
                                {
                                  value: 'cooldown',
                                  label: t('campaigns.trigger.cooldown', 'Again after a cool-down'),
                                },
                              ]}
                              onChange={(v) => set('reentry', v)}
                              error={errorFor('reentry')}
                            />
                          </Grid.Item>
                          {form.reentry === 'cooldown' && (
                            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                              <Num
                                label={t('campaigns.trigger.cooldownDays', 'Cool-down (days)')}
                                value={form.reentryDays}
                                onChange={(v) => set('reentryDays', v)}
                                error={errorFor('reentry.days')}
                              />
                            </Grid.Item>
                          )}
                          <Grid.Item col={12} direction="column" alignItems="stretch">
                            <Toggle
                              label={t(
                                'campaigns.trigger.exitOn',
                                'Stop waiting when an exit event happens'
                              )}
                              checked={form.exitOn}
                              onChange={(v) => set('exitOn', v)}
                            />
                          </Grid.Item>
                          {form.exitOn && (
                            <>
                              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                                <Text
                                  label={t('campaigns.trigger.exitEvent', 'Exit event name')}
                                  value={form.exitEvent}
                                  onChange={(v) => set('exitEvent', v)}
                                  error={errorFor('exitEvent.event')}
                                />
                              </Grid.Item>
                              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                                <Text
                                  label={t(
                                    'campaigns.trigger.exitWhere',
                                    'Exit event properties match (JSON, optional)'
                                  )}
                                  value={form.exitWhere}
                                  onChange={(v) => set('exitWhere', v)}
                                  error={errorFor('exitEvent.where')}
                                />
                              </Grid.Item>
                            </>
                          )}
                        </Grid.Root>
                      </Box>
                    )}
                    <Flex direction="column" alignItems="stretch" gap={3}>
                      <Toggle
                        label={t('campaigns.localTimeOn', 'Deliver at each recipient’s local time')}
                        checked={form.localTimeOn}
                        onChange={(v) => set('localTimeOn', v)}
                      />
                      {form.localTimeOn && (
                        <Box width="200px">
                          <Text
                            type="time"
                            label={t('campaigns.localTime', 'Local time')}
                            value={form.localTime}
                            onChange={(v) => set('localTime', v)}
                            error={errorFor('localTime')}
                          />
                        </Box>
                      )}
                      <Toggle
                        label={t(
                          'campaigns.intelligentTiming',
                          'Intelligent timing: each recipient at their most engaged hour'
                        )}
                        checked={form.intelligentTiming}
                        onChange={(v) => set('intelligentTiming', v)}
                      />
                      {errorFor('intelligentTiming') && (
                        <Typography textColor="danger600" role="alert">
                          {errorFor('intelligentTiming')}
                        </Typography>
                      )}
                      {form.intelligentTiming && (
                        // The audience's send-hour histogram (of the saved campaign).
                        <Box
                          padding={4}
                          hasRadius
                          background="neutral100"
                          data-testid="send-hour-preview-slot"
                        >
                          {documentId ? (
                            <SendHourPreview documentId={documentId} />
                          ) : (
                            <Typography textColor="neutral600">
                              {t(
                                'campaigns.sendHourAfterSave',
                                'Save the campaign to see each recipient’s send hour.'
                              )}
                            </Typography>
                          )}
                        </Box>
                      )}
                    </Flex>
                  </Section>

                  <Section title={t('campaigns.section.rules', 'Delivery rules')}>
                    <Toggle
                      label={t(
                        'campaigns.quietOn',
                        'Quiet hours (recipient’s time): move sends out of them'
                      )}
                      checked={form.quietOn}
                      onChange={(v) => set('quietOn', v)}
                    />
                    {form.quietOn && (
                      <Flex gap={4}>
                        <Box width="200px">
                          <Text
                            type="time"
                            label={t('campaigns.quietStart', 'Quiet from')}
                            value={form.quietStart}
                            onChange={(v) => set('quietStart', v)}
                            error={errorFor('quietHours.start') ?? errorFor('quietHours')}
                          />
                        </Box>
                        <Box width="200px">
                          <Text
                            type="time"
                            label={t('campaigns.quietEnd', 'Quiet until')}
                            value={form.quietEnd}
                            onChange={(v) => set('quietEnd', v)}
                            error={errorFor('quietHours.end')}
                          />
                        </Box>
                      </Flex>
                    )}
                    <Toggle
                      label={t('campaigns.capOn', 'Frequency cap for this campaign')}
                      checked={form.capOn}
                      onChange={(v) => set('capOn', v)}
                    />
                    {form.capOn && (
                      <Flex gap={4}>
                        <Box width="200px">
                          <Num
                            label={t('campaigns.capMax', 'At most (messages)')}
                            value={form.capMax}
                            onChange={(v) => set('capMax', v)}
                            error={errorFor('frequencyCap.max') ?? errorFor('frequencyCap')}
                          />
                        </Box>
                        <Box width="200px">
                          <Num
                            label={t('campaigns.capPeriod', 'Per (hours)')}
                            value={form.capPeriodHours}
                            onChange={(v) => set('capPeriodHours', v)}
                            error={errorFor('frequencyCap.periodHours')}
                          />
                        </Box>
                      </Flex>
                    )}
                  </Section>

                  <Section title={t('campaigns.section.goal', 'Conversion goal')}>
                    <Flex gap={4} wrap="wrap">
                      <Box width="280px">
                        <Text
                          label={t('campaigns.conversionEvent', 'Conversion event')}
                          value={form.conversionEvent}
                          onChange={(v) => set('conversionEvent', v)}
                          error={errorFor('conversionEvent')}
                          hint={t(
                            'campaigns.conversionHint',
                            'e.g. purchase; counted per variant and against the holdout.'
                          )}
                        />
                      </Box>
                      <Box width="220px">
                        <Num
                          label={t('campaigns.conversionWindow', 'Within (hours)')}
                          value={form.conversionWindowHours}
                          onChange={(v) => set('conversionWindowHours', v)}
                          error={errorFor('conversionWindowHours')}
                        />
                      </Box>
                    </Flex>
                  </Section>
                </Flex>
              </fieldset>
            </Flex>
          </Grid.Item>
          <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
            <PreviewPanel
              documentId={documentId ?? null}
              name={form.name}
              variants={form.variants}
              editedVariant={editedVariant}
              segment={segments.find((s) => s.key === form.segmentKey) ?? null}
              dirty={dirty}
              canPreview={canManage}
              canSend={canSend}
              onFieldErrors={setLiveErrors}
            />
          </Grid.Item>
        </Grid.Root>
      </Layouts.Content>
    </PluginPage>
  );
};

const profileLabel = (t: T, p: PreviewResult['sample'][number]) => {
  const name = ['email', 'first_name', 'name']
    .map((k) => p.traits[k])
    .find((v) => typeof v === 'string');
  return t('campaigns.preview.profileOption', 'Profile #{id}{name}', {
    id: p.profileId,
    name: name ? ` · ${String(name)}` : p.anonymousId ? ` · ${p.anonymousId.slice(0, 12)}` : '',
  });
};

/**
 * The live preview: the editor's current (unsaved) variant rendered by the server for a chosen
 * profile, re-rendered 400 ms after each edit, variant or profile change; and send test.
 */
const PreviewPanel = ({
  documentId,
  name,
  variants,
  editedVariant,
  segment,
  dirty,
  canPreview,
  canSend,
  onFieldErrors,
}: {
  documentId: string | null;
  name: string;
  variants: CampaignVariant[];
  editedVariant: { index: number };
  segment: SegmentSummary | null;
  dirty: boolean;
  canPreview: boolean;
  canSend: boolean;
  onFieldErrors: (errors: FieldError[]) => void;
}) => {
  const t = useT();
  const api = useSegmentsApi();
  const { toggleNotification } = useNotification();
  const [variant, setVariant] = useState(0);
  const [profileId, setProfileId] = useState('');
  const [sample, setSample] = useState<PreviewResult['sample']>([]);
  const [preview, setPreview] = useState<(RenderedPreview & { variant: number }) | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);

  // Candidates for "preview as": a live sample of the segment's members.
  useEffect(() => {
    if (!segment) return setSample([]);
    api.preview(segment.rule, 10).then(
      (r) => setSample(r.sample),
      () => setSample([])
    );
  }, [api, segment]);

  const parsedProfile = profileId.trim() === '' ? null : Number(profileId);
  const profileInvalid =
    parsedProfile !== null && (!Number.isInteger(parsedProfile) || parsedProfile < 1);

  // Editing a variant previews that variant.
  useEffect(() => setVariant(editedVariant.index), [editedVariant]);

  const variantIndex = Math.min(variant, Math.max(0, variants.length - 1));
  const current = variants[variantIndex];
  // The request as a string: the effect runs when what would be rendered changes, not per render.
  const requestKey =
    canPreview && !profileInvalid && current
      ? JSON.stringify(renderDraftRequest(current, name, documentId, parsedProfile))
      : '';
  const latest = useMemo(latestOnly, []);

  useEffect(() => {
    if (!requestKey) return;
    const id = latest.next();
    setLoading(true);
    const timer = setTimeout(() => {
      api.renderCampaignDraft(JSON.parse(requestKey)).then(
        (p) => {
          // Only the latest request's answer is shown; older ones arrive out of order.
          if (!latest.isLatest(id)) return;
          setPreview({ ...p, variant: variantIndex });
          setPreviewError(null);
          onFieldErrors([]);
          setLoading(false);
        },
        (error) => {
          if (!latest.isLatest(id)) return;
          const errors = fieldErrors(error);
          const [first] = errors;
          setPreviewError(first.path ? `${first.path}: ${first.message}` : first.message);
          onFieldErrors(variantFieldErrors(errors, variantIndex));
          setLoading(false);
        }
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [api, requestKey, latest, onFieldErrors, variantIndex]);

  const sendTest = async () => {
    if (!documentId) return;
    setSending(true);
    setSent(null);
    setSendError(null);
    try {
      await api.sendTest(documentId, to, variant, profileInvalid ? null : parsedProfile);
      setSent(to);
      toggleNotification({
        type: 'success',
        message: t('campaigns.test.sent', 'Test sent to {to}', { to }),
      });
    } catch (error) {
      const [first] = fieldErrors(error);
      setSendError(first.message);
    } finally {
      setSending(false);
    }
  };

  const variantOptions = variants.map((v, i) => ({
    value: String(i),
    label: v.name || `#${i + 1}`,
  }));
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Section title={t('campaigns.preview.title', 'Preview')} testId="preview">
        {!canPreview ? (
          <Typography textColor="neutral600">
            {t(
              'campaigns.preview.noPermission',
              'Previews need the permission to manage campaigns.'
            )}
          </Typography>
        ) : (
          <>
            <Grid.Root gap={3}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Select
                  label={t('campaigns.preview.variant', 'Variant')}
                  value={String(variant)}
                  options={variantOptions}
                  onChange={(v) => setVariant(Number(v))}
                />
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Select
                  label={t('campaigns.preview.as', 'Preview as')}
                  value={sample.some((p) => String(p.profileId) === profileId) ? profileId : ''}
                  placeholder={t('campaigns.preview.pick', 'A member of the segment')}
                  options={sample.map((p) => ({
                    value: String(p.profileId),
                    label: profileLabel(t, p),
                  }))}
                  onChange={(v) => setProfileId(v)}
                />
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Text
                  label={t('campaigns.preview.profileId', 'Profile ID')}
                  value={profileId}
                  onChange={setProfileId}
                  error={
                    profileInvalid
                      ? t('campaigns.preview.profileIdInvalid', 'A positive whole number')
                      : undefined
                  }
                  hint={t('campaigns.preview.profileIdHint', 'Empty: render without a profile.')}
                />
              </Grid.Item>
            </Grid.Root>
            <Box aria-live="polite">
              {loading && <Loader small>{t('campaigns.preview.loading', 'Rendering…')}</Loader>}
              {previewError && (
                <Typography textColor="danger600" role="alert" data-testid="preview-error">
                  {previewError}
                </Typography>
              )}
            </Box>
            {preview && (!previewError || preview.variant === variantIndex) && (
              // The last good render of this variant stays, dimmed, while its template has an error.
              <Flex
                direction="column"
                alignItems="stretch"
                gap={2}
                style={previewError ? { opacity: 0.4 } : undefined}
                aria-hidden={previewError ? true : undefined}
              >
                <Typography variant="sigma" textColor="neutral600">
                  {t('campaigns.preview.subject', 'Subject')}
                </Typography>
                <Typography fontWeight="bold" data-testid="preview-subject">
                  {preview.subject}
                </Typography>
                {preview.missing.length > 0 && (
                  <Typography textColor="warning600" data-testid="preview-missing">
                    {t('campaigns.preview.missing', 'No value for: {names} (rendered empty)', {
                      names: preview.missing.join(', '),
                    })}
                  </Typography>
                )}
                <iframe
                  title={t('campaigns.preview.frame', 'Rendered e-mail')}
                  // No scripts, no same-origin access: the body is the editor's HTML.
                  sandbox=""
                  srcDoc={preview.html}
                  data-testid="preview-frame"
                  style={{
                    width: '100%',
                    height: 360,
                    border: '1px solid #dcdce4',
                    borderRadius: 4,
                    background: '#fff',
                  }}
                />
              </Flex>
            )}
          </>
        )}
      </Section>
      {documentId && canSend && (
        <Section title={t('campaigns.test.title', 'Send a test')} testId="send-test">
          <Text
            type="email"
            label={t('campaigns.test.to', 'Send a test to')}
            value={to}
            onChange={setTo}
            error={sendError ?? undefined}
            hint={t(
              'campaigns.test.hint',
              'The selected variant, rendered for the profile above; subject prefixed with [Test].'
            )}
          />
          {dirty && (
            // The preview is live, but a test message is sent from the saved campaign.
            <Typography textColor="warning600" data-testid="test-unsaved">
              {t('campaigns.test.unsaved', 'Unsaved changes: a test sends the saved version.')}
            </Typography>
          )}
          <Box>
            <Button
              variant="secondary"
              startIcon={<Mail />}
              onClick={sendTest}
              loading={sending}
              disabled={!to}
            >
              {t('campaigns.test.send', 'Send test')}
            </Button>
          </Box>
          {sent && (
            <Typography textColor="success600" data-testid="test-sent">
              {t('campaigns.test.sent', 'Test sent to {to}', { to: sent })}
            </Typography>
          )}
        </Section>
      )}
    </Flex>
  );
};

export { CampaignComposerPage };
