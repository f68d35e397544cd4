import { useNotification } from '@strapi/strapi/admin';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../../api/client';
import type {
  Campaign,
  CampaignState,
  CampaignVariant,
  FieldError,
  SegmentSummary,
} from '../../api/contracts';
import { PERMISSIONS } from '../../permissions';
import { emptyForm, formOf, inputOf, type Form } from '../../utils/campaignForm';
import { useCan } from '../../utils/useCan';
import { useT } from '../../utils/useT';

export const CAMPAIGNS_PATH = '/plugins/segments/campaigns';
export const EDITABLE: CampaignState[] = ['draft', 'scheduled', 'paused'];

/** Fields the composer shows an error next to; other server errors are listed at the top. */
const FIELD_PATHS = [
  'name',
  'segmentKey',
  'channel',
  'push',
  'webhook',
  'inapp',
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
];

export type SetField = <K extends keyof Form>(key: K, value: Form[K]) => void;
export type ErrorFor = (path: string) => string | undefined;
export type CampaignAction = 'schedule' | 'pause' | 'resume' | 'cancel';

/**
 * The composer's state: the saved campaign, the form being edited, field errors (from saving and
 * from the live preview), and the save / lifecycle actions.
 */
export function useComposer(documentId: string | undefined) {
  const t = useT();
  const api = useSegmentsApi();
  const navigate = useNavigate();
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

  const set: SetField = useCallback((key, value) => setForm((f) => ({ ...f, [key]: value })), []);
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
  const state: CampaignState = campaign?.state ?? 'draft';
  const editable = canManage && EDITABLE.includes(state);

  const errorFor: ErrorFor = (path) => {
    const hit = [...errors, ...liveErrors].find(
      (e) => e.path === path || e.path.startsWith(`${path}.`)
    );
    if (!hit) return undefined;
    return hit.path === path ? hit.message : `${hit.path.slice(path.length + 1)}: ${hit.message}`;
  };
  const generalErrors = errors.filter(
    (e) => !FIELD_PATHS.some((f) => e.path === f || e.path.startsWith(`${f}.`))
  );

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
      const created = documentId ? null : await api.createCampaign(body.data);
      const saved = created ? created.campaign : await api.updateCampaign(documentId as string, body.data);
      toggleNotification({ type: 'success', message: t('campaigns.saved', 'Campaign saved') });
      if (!created) adopt(saved);
      // A webhook campaign's signing secret comes back once: the new page shows it.
      else navigate(`../${saved.documentId}`, { relative: 'path', state: { webhookSecret: created.webhookSecret } });
      return saved.documentId;
    } catch (error) {
      setErrors(fieldErrors(error));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const act = async (action: CampaignAction) => {
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
      navigate(CAMPAIGNS_PATH);
    } catch (error) {
      toggleNotification({ type: 'danger', message: fieldErrors(error)[0].message });
      setBusy(null);
    }
  };

  return {
    campaign,
    form,
    set,
    setForm,
    setVariant,
    segments,
    failed,
    generalErrors,
    setLiveErrors,
    editedVariant,
    busy,
    body,
    dirty,
    state,
    editable,
    canManage,
    canSend,
    canAny,
    permissionsLoading,
    errorFor,
    save,
    act,
    remove,
  };
}
