import { Box, Flex, Loader, Typography } from '@strapi/design-system';
import type { FieldError, PreviewResult } from '../api/contracts';
import { useT } from '../utils/useT';

/** What the builder knows of the rule being edited: checking, valid (with explanation, size, sample) or not. */
export interface LiveState {
  status: 'idle' | 'checking' | 'valid' | 'invalid' | 'failed';
  explanation?: string;
  preview?: PreviewResult;
  errors: FieldError[];
}

/** The live answer beside the builder: explanation, size (or estimate) and sample members. */
export const LivePanel = ({ live }: { live: LiveState }) => {
  const t = useT();
  return (
    <Box background="neutral0" padding={4} hasRadius shadow="tableShadow" position="sticky" top={0}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex direction="column" alignItems="flex-start" gap={1} aria-live="polite">
          <Typography variant="sigma" textColor="neutral600">
            {t('builder.liveSize', 'Matching profiles now')}
          </Typography>
          <Flex gap={2}>
            <Typography variant="alpha" data-testid="live-size">
              {live.preview && live.status !== 'invalid' ? live.preview.size.toLocaleString() : '—'}
            </Typography>
            {live.status === 'checking' && (
              <Loader small>{t('builder.checking', 'Checking…')}</Loader>
            )}
          </Flex>
          {live.status === 'invalid' && (
            <Typography textColor="danger600" data-testid="live-invalid">
              {t(
                'builder.invalid',
                '{count, plural, one {# problem} other {# problems}} — see the highlighted rows',
                {
                  count: live.errors.length,
                }
              )}
            </Typography>
          )}
          {live.status === 'failed' && (
            <Typography textColor="danger600">{live.errors[0]?.message}</Typography>
          )}
        </Flex>
        {live.explanation && live.status !== 'invalid' && (
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {t('builder.explanation', 'In plain words')}
            </Typography>
            <Typography data-testid="explanation">{live.explanation}</Typography>
          </Flex>
        )}
        {live.preview && live.status !== 'invalid' && (
          <Flex direction="column" alignItems="stretch" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {t('builder.sample', 'Sample members')}
            </Typography>
            {live.preview.sample.length === 0 ? (
              <Typography textColor="neutral600">
                {t('builder.noSample', 'Nobody matches yet.')}
              </Typography>
            ) : (
              <Box tag="ul" data-testid="sample-members">
                {live.preview.sample.map((p) => (
                  <Box tag="li" key={p.profileId} paddingBottom={1}>
                    <Typography variant="omega">
                      #{p.profileId}
                      {p.userId !== null
                        ? ` · user ${p.userId}`
                        : p.anonymousId
                          ? ` · ${p.anonymousId.slice(0, 8)}…`
                          : ''}
                    </Typography>
                    <Typography variant="pi" textColor="neutral600" tag="div" ellipsis>
                      {Object.entries(p.traits)
                        .slice(0, 4)
                        .map(
                          ([k, v]) =>
                            `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`
                        )
                        .join(', ')}
                    </Typography>
                  </Box>
                ))}
              </Box>
            )}
          </Flex>
        )}
      </Flex>
    </Box>
  );
};
