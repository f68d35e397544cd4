import { Flex, LinkButton } from '@strapi/design-system';
import { ChartPie, Cross, Play, Stop, Trash } from '@strapi/icons';
import { Link as RouterLink } from 'react-router-dom';
import type { Campaign, CampaignState } from '../../api/contracts';
import type { Form, inputOf } from '../../utils/campaignForm';
import { useT } from '../../utils/useT';
import { scheduleSummary } from '../../pages/CampaignsListPage';
import { ConfirmButton } from './fields';
import { EDITABLE, type CampaignAction } from './useComposer';

/** The lifecycle buttons a saved campaign offers in its state, each confirmed first. */
export const CampaignActions = ({
  campaign,
  state,
  form,
  body,
  busy,
  canManage,
  canSend,
  act,
  remove,
}: {
  campaign: Campaign;
  state: CampaignState;
  form: Form;
  body: ReturnType<typeof inputOf>;
  busy: string | null;
  canManage: boolean;
  canSend: boolean;
  act: (action: CampaignAction) => Promise<void>;
  remove: () => Promise<void>;
}) => {
  const t = useT();
  return (
    <Flex gap={2} wrap="wrap" data-testid="campaign-actions">
      {state === 'draft' && canSend && (
        <ConfirmButton
          label={t('campaigns.action.schedule', 'Schedule')}
          title={t('campaigns.confirm.scheduleTitle', 'Schedule this campaign?')}
          body={t(
            'campaigns.confirm.scheduleBody',
            '{schedule}: it goes to the members of “{segment}” then (unsaved changes are saved first).',
            {
              schedule: scheduleSummary(t, {
                ...campaign,
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
      {(state === 'scheduled' || state === 'sending') && canManage && (
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
      {state === 'paused' && canSend && (
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
      {EDITABLE.concat('sending').includes(state) && canManage && (
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
      {state !== 'sending' && canManage && (
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
      {state !== 'draft' && (
        <LinkButton tag={RouterLink} to="report" variant="tertiary" startIcon={<ChartPie />}>
          {t('campaigns.report', 'Report')}
        </LinkButton>
      )}
    </Flex>
  );
};
