import { Alert, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { Campaign } from '../api/contracts';
import { AudienceSection } from '../campaigns/composer/AudienceSection';
import { CampaignActions } from '../campaigns/composer/CampaignActions';
import { DeliveryRulesSection } from '../campaigns/composer/DeliveryRulesSection';
import { GoalSection } from '../campaigns/composer/GoalSection';
import { PreviewPanel } from '../campaigns/composer/PreviewPanel';
import { ScheduleSection } from '../campaigns/composer/ScheduleSection';
import { CAMPAIGNS_PATH, useComposer } from '../campaigns/composer/useComposer';
import { VariantsSection } from '../campaigns/composer/VariantsSection';
import { PluginPage } from '../components/PluginPage';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { scheduleSummary, StateBadge } from './CampaignsListPage';

/** The campaign composer: one section per part of a campaign, the live preview beside them. */
const CampaignComposerPage = () => {
  const t = useT();
  const { documentId } = useParams<{ documentId: string }>();
  const composer = useComposer(documentId);
  // A new webhook campaign's signing secret: shown on this page once, never sent again. It is
  // taken out of the history entry at once, or a reload (which keeps history state) would show
  // it again.
  const location = useLocation();
  const navigate = useNavigate();
  const [shownSecret, setShownSecret] = useState<{ documentId: string; secret: string } | null>(null);
  useEffect(() => {
    const secret = (location.state as { webhookSecret?: string | null } | null)?.webhookSecret;
    if (!secret || !documentId) return;
    setShownSecret({ documentId, secret });
    navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate, documentId]);
  const webhookSecret = shownSecret && shownSecret.documentId === documentId ? shownSecret.secret : null;
  const { campaign, form, set, errorFor, state, editable, canManage, canSend, segments } =
    composer;

  if (composer.permissionsLoading) return <Page.Loading />;
  if (documentId ? !composer.canAny(PERMISSIONS.campaigns) : !canManage)
    return <Page.NoPermissions />;
  if (composer.failed) return <Page.Error />;
  if (documentId && !campaign) return <Page.Loading />;

  const title = documentId
    ? form.name || campaign?.name || ''
    : t('campaigns.newTitle', 'New campaign');
  const segmentOptions = segments
    .filter((s) => s.state === 'active' || s.key === form.segmentKey)
    .map((s) => ({ value: s.key, label: `${s.name} (${s.key})` }));

  return (
    <PluginPage title={title}>
      <Layouts.Header
        navigationAction={<BackButton disabled={false} fallback={CAMPAIGNS_PATH} />}
        title={title}
        subtitle={
          documentId ? (
            <Flex gap={2}>
              <StateBadge state={state} />
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
              onClick={composer.save}
              loading={composer.busy === 'save'}
              disabled={!composer.dirty}
            >
              {t('campaigns.save', 'Save')}
            </Button>
          ) : undefined
        }
        secondaryAction={
          documentId && campaign ? (
            <CampaignActions
              campaign={campaign}
              state={state}
              form={form}
              body={composer.body}
              busy={composer.busy}
              canManage={canManage}
              canSend={canSend}
              act={composer.act}
              remove={composer.remove}
            />
          ) : null
        }
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
              {webhookSecret && (
                <Alert
                  variant="warning"
                  closeLabel={t('close', 'Close')}
                  title={t('campaigns.webhook.secretTitle', 'Signing secret: copy it now')}
                  data-testid="webhook-secret"
                >
                  {t(
                    'campaigns.webhook.secretText',
                    'Your receiver verifies each request with it (Standard Webhooks). It is shown only this once: {secret}',
                    { secret: webhookSecret }
                  )}
                </Alert>
              )}
              {composer.generalErrors.map((e) => (
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
                  <AudienceSection
                    form={form}
                    set={set}
                    errorFor={errorFor}
                    segmentOptions={segmentOptions}
                  />
                  <VariantsSection
                    form={form}
                    set={set}
                    setForm={composer.setForm}
                    setVariant={composer.setVariant}
                    errorFor={errorFor}
                  />
                  <ScheduleSection
                    form={form}
                    set={set}
                    errorFor={errorFor}
                    segmentOptions={segmentOptions}
                    documentId={documentId}
                  />
                  {form.channel !== 'inapp' && (
                    <DeliveryRulesSection form={form} set={set} errorFor={errorFor} />
                  )}
                  <GoalSection form={form} set={set} errorFor={errorFor} />
                </Flex>
              </fieldset>
            </Flex>
          </Grid.Item>
          <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
            <PreviewPanel
              documentId={documentId ?? null}
              name={form.name}
              variants={form.variants}
              editedVariant={composer.editedVariant}
              segment={segments.find((s) => s.key === form.segmentKey) ?? null}
              dirty={composer.dirty}
              canPreview={canManage}
              canSend={canSend}
              onFieldErrors={composer.setLiveErrors}
              channel={form.channel}
              webhookUrl={form.webhookUrl || null}
            />
          </Grid.Item>
        </Grid.Root>
      </Layouts.Content>
    </PluginPage>
  );
};

export { CampaignComposerPage };
