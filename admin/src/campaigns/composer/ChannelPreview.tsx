import { Box, Flex, Typography } from '@strapi/design-system';
import type { RenderedPreview } from '../../api/contracts';
import { useT } from '../../utils/useT';

type PushPreview = Extract<RenderedPreview, { channel: 'push' }>;
type WebhookPreview = Extract<RenderedPreview, { channel: 'webhook' }>;

/** The notification as a desktop browser shows it: icon, title, text, image, buttons. */
export const PushNotificationPreview = ({ preview }: { preview: PushPreview }) => {
  const t = useT();
  const n = preview.notification;
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Box
        data-testid="preview-push"
        padding={3}
        hasRadius
        shadow="filterShadow"
        background="neutral0"
        style={{ maxWidth: 380, border: '1px solid #dcdce4' }}
      >
        <Flex gap={3} alignItems="flex-start">
          {n.icon && <img src={n.icon} alt="" width={40} height={40} style={{ borderRadius: 4 }} />}
          <Flex direction="column" alignItems="stretch" gap={1} style={{ minWidth: 0 }}>
            <Typography fontWeight="bold" data-testid="preview-push-title">
              {n.title}
            </Typography>
            <Typography variant="omega" data-testid="preview-push-body">
              {n.body}
            </Typography>
            {n.url && (
              <Typography variant="pi" textColor="neutral500">
                {n.url}
              </Typography>
            )}
          </Flex>
        </Flex>
        {n.image && (
          <img src={n.image} alt="" style={{ width: '100%', marginTop: 8, borderRadius: 4 }} />
        )}
        {n.actions && n.actions.length > 0 && (
          <Flex gap={2} paddingTop={2}>
            {n.actions.map((a) => (
              <Typography key={a.action} variant="pi" fontWeight="bold" textColor="primary600">
                {a.title}
              </Typography>
            ))}
          </Flex>
        )}
      </Box>
      <Typography
        variant="pi"
        textColor={preview.problem ? 'danger600' : 'neutral600'}
        data-testid="preview-push-size"
      >
        {preview.problem ??
          t(
            'campaigns.preview.pushSize',
            'Payload {bytes} bytes of the 3993 a push message holds',
            {
              bytes: preview.payloadBytes,
            }
          )}
      </Typography>
    </Flex>
  );
};

/** The signed request as it will be sent (the signature of a saved campaign is its real one). */
export const WebhookRequestPreview = ({ preview }: { preview: WebhookPreview }) => {
  const t = useT();
  const { request } = preview;
  const lines = [
    `${request.method} ${request.url ?? t('campaigns.preview.noUrl', '(no URL yet)')}`,
    ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
    '',
    request.body,
  ];
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <pre
        data-testid="preview-webhook"
        style={{
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
          fontSize: 12,
          padding: 12,
          border: '1px solid #dcdce4',
          borderRadius: 4,
          background: '#f6f6f9',
          margin: 0,
        }}
      >
        {lines.join('\n')}
      </pre>
      {!preview.signed && (
        <Typography variant="pi" textColor="neutral600">
          {t(
            'campaigns.preview.placeholderSignature',
            'Signed with a placeholder key: the campaign gets its own secret when it is saved.'
          )}
        </Typography>
      )}
    </Flex>
  );
};
