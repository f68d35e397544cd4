import { Box, Flex, Typography } from '@strapi/design-system';
import type { RealtimeStatus as Status } from '../api/contracts';
import { useT } from '../utils/useT';

/** The real-time memberships loop at a glance: what waits, and the last fall-back to a recompute. */
export const RealtimeStatus = ({ status }: { status: Status }) => {
  const t = useT();
  const fallback = status.lastFallback;
  return (
    <Box
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      padding={4}
      data-testid="realtime-status"
    >
      <Flex direction="column" alignItems="flex-start" gap={1}>
        <Typography variant="sigma" textColor="neutral600">
          {t('home.realtime.title', 'Real-time memberships')}
        </Typography>
        <Typography data-testid="realtime-backlog">
          {status.enabled
            ? t(
                'home.realtime.backlog',
                '{total} profiles waiting for a re-evaluation ({due} due); past {max} due, segments are recomputed instead.',
                {
                  total: status.backlog.total,
                  due: status.backlog.due,
                  max: status.maxBacklog,
                }
              )
            : t(
                'home.realtime.disabled',
                'Off: stored memberships change when segments are recomputed.'
              )}
        </Typography>
        {fallback ? (
          <Typography textColor="warning600" data-testid="realtime-fallback">
            {t(
              'home.realtime.fallback',
              'Last fall-back to a recompute: {at}, with {backlog} profiles due ({segments} segments recomputed in {seconds} s).',
              {
                at: new Date(fallback.at).toLocaleString(),
                backlog: fallback.backlog,
                segments: fallback.segments,
                seconds: Math.round(fallback.durationMs / 100) / 10,
              }
            )}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
};
