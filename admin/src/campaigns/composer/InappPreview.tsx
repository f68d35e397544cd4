import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useEffect, useState } from 'react';
import type { InappLayout, InappMessage } from '../../api/contracts';
import { useT } from '../../utils/useT';

const THEMES = {
  light: { background: '#ffffff', color: '#1a1a1a' },
  dark: { background: '#1f2430', color: '#f2f2f2' },
} as const;

/** Where each layout sits on the page, as the storefront's default renderer places it. */
const PLACEMENT: Record<InappLayout, React.CSSProperties> = {
  modal: {
    position: 'absolute',
    top: '50%',
    left: '50%',
    transform: 'translate(-50%, -50%)',
    width: '70%',
    borderRadius: 10,
  },
  slideup: { position: 'absolute', right: 12, bottom: 12, width: '60%', borderRadius: 10 },
  'banner-top': { position: 'absolute', top: 0, left: 0, right: 0, borderRadius: 0 },
};

/**
 * The rendered message on a stand-in page, in any of the three layouts (the variant's own first):
 * the editor sees how the same content reads as a modal, a slide-up and a top banner.
 */
export const InappMessagePreview = ({ message }: { message: InappMessage }) => {
  const t = useT();
  const [layout, setLayout] = useState<InappLayout>(message.layout);
  useEffect(() => setLayout(message.layout), [message.layout]);
  const accent = message.accent ?? '#4945ff';
  const colours =
    message.theme === 'brand' ? { background: accent, color: '#ffffff' } : THEMES[message.theme];
  const buttonStyle: React.CSSProperties =
    message.theme === 'brand'
      ? { background: '#ffffff', color: accent }
      : { background: accent, color: '#ffffff' };
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Flex gap={2} role="group" aria-label={t('campaigns.inapp.previewAs', 'Preview as')}>
        {(
          [
            ['modal', t('campaigns.inapp.layout.modal', 'Modal')],
            ['slideup', t('campaigns.inapp.layout.slideup', 'Slide-up')],
            ['banner-top', t('campaigns.inapp.layout.banner', 'Top banner')],
          ] as const
        ).map(([value, label]) => (
          <Button
            key={value}
            size="S"
            variant={layout === value ? 'secondary' : 'tertiary'}
            aria-pressed={layout === value}
            onClick={() => setLayout(value)}
          >
            {label}
          </Button>
        ))}
      </Flex>
      <div
        data-testid="preview-inapp"
        data-layout={layout}
        style={{
          position: 'relative',
          height: 320,
          overflow: 'hidden',
          border: '1px solid #dcdce4',
          borderRadius: 4,
          background: layout === 'modal' ? '#8e8ea9' : '#f6f6f9',
        }}
      >
        <div
          data-testid="preview-inapp-message"
          style={{
            ...PLACEMENT[layout],
            ...colours,
            boxSizing: 'border-box',
            padding: layout === 'banner-top' ? '10px 36px 10px 14px' : 16,
            boxShadow: '0 4px 16px rgba(0,0,0,.25)',
            font: '14px/1.5 system-ui, sans-serif',
          }}
        >
          <span aria-hidden style={{ position: 'absolute', top: 6, right: 10, fontSize: 18 }}>
            ×
          </span>
          <div
            style={{ fontWeight: 700, fontSize: 16, paddingRight: 20 }}
            data-testid="preview-inapp-title"
          >
            {message.title}
          </div>
          {message.image && layout !== 'banner-top' && (
            <img
              src={message.image.url}
              alt={message.image.alt}
              style={{ maxWidth: '100%', borderRadius: 6, marginTop: 6 }}
            />
          )}
          {/* Safe HTML: rendered by the server with raw HTML off and links checked. */}
          <div
            data-testid="preview-inapp-body"
            dangerouslySetInnerHTML={{ __html: message.bodyHtml }}
          />
          {message.buttons.length > 0 && (
            <div style={{ display: 'flex', gap: 8, marginTop: 8, flexWrap: 'wrap' }}>
              {message.buttons.map((b, i) => (
                <span key={i} style={{ ...buttonStyle, padding: '4px 12px', borderRadius: 6 }}>
                  {b.label}
                </span>
              ))}
            </div>
          )}
        </div>
      </div>
      <Box>
        <Typography variant="pi" textColor="neutral600">
          {t(
            'campaigns.inapp.previewNote',
            'The storefront shows it with the plugin’s default renderer, or hands it to the site’s own.'
          )}
        </Typography>
      </Box>
    </Flex>
  );
};
