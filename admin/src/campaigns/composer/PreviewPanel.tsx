import { Box, Button, Flex, Grid, Loader, Typography } from '@strapi/design-system';
import { Mail } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { useEffect, useMemo, useState } from 'react';
import { fieldErrors, useSegmentsApi } from '../../api/client';
import type {
  CampaignVariant,
  FieldError,
  PreviewResult,
  RenderedPreview,
  SegmentSummary,
} from '../../api/contracts';
import { latestOnly, renderDraftRequest, variantFieldErrors } from '../../utils/livePreview';
import { useT, type T } from '../../utils/useT';
import { Section, Select, Text } from './fields';
import { PushNotificationPreview, WebhookRequestPreview } from './ChannelPreview';
import { InappMessagePreview } from './InappPreview';
import type { CampaignChannel } from '../../api/contracts';

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
export const PreviewPanel = ({
  documentId,
  name,
  variants,
  editedVariant,
  segment,
  dirty,
  canPreview,
  canSend,
  onFieldErrors,
  channel = 'email',
  webhookUrl = null,
}: {
  channel?: CampaignChannel;
  webhookUrl?: string | null;
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
      ? JSON.stringify(renderDraftRequest(current, name, documentId, parsedProfile, channel, webhookUrl))
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
                {preview.channel === 'push' ? (
                  <PushNotificationPreview preview={preview} />
                ) : preview.channel === 'webhook' ? (
                  <WebhookRequestPreview preview={preview} />
                ) : preview.channel === 'inapp' ? (
                  <InappMessagePreview message={preview.message} />
                ) : (
                  <>
                    <Typography variant="sigma" textColor="neutral600">
                      {t('campaigns.preview.subject', 'Subject')}
                    </Typography>
                    <Typography fontWeight="bold" data-testid="preview-subject">
                      {preview.subject}
                    </Typography>
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
                  </>
                )}
                {preview.missing.length > 0 && (
                  <Typography textColor="warning600" data-testid="preview-missing">
                    {t('campaigns.preview.missing', 'No value for: {names} (rendered empty)', {
                      names: preview.missing.join(', '),
                    })}
                  </Typography>
                )}
              </Flex>
            )}
          </>
        )}
      </Section>
      {documentId && canSend && channel === 'email' && (
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
