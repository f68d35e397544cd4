import { Box, Flex, Loader, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { PLUGIN_ID } from '../pluginId';
import { fieldErrors } from '../api/client';
import { useT } from '../utils/useT';
import { BarChart } from './Charts';

/** Body of GET /segments/campaigns/:documentId/send-hours. */
export interface SendHours {
  recipients: number;
  personalised: number;
  personalisedShare: number;
  fallbackHour: number;
  timeZone: string;
  /** 24 entries: recipients per send hour, hour in the campaign's time zone. */
  hours: number[];
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/**
 * Intelligent-timing preview for a saved campaign: how many recipients go out in each hour of the
 * campaign's day and how many have enough engagement data for an hour of their own.
 */
export function SendHourPreview({ documentId }: { documentId: string }) {
  const t = useT();
  const { get } = useFetchClient();
  const [data, setData] = useState<SendHours | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    get<SendHours>(`/${PLUGIN_ID}/campaigns/${encodeURIComponent(documentId)}/send-hours`)
      .then((res) => live && setData(res.data))
      .catch((e: unknown) => live && setError(fieldErrors(e)[0]?.message ?? 'error'));
    return () => {
      live = false;
    };
  }, [documentId, get]);

  if (error) {
    return (
      <Typography textColor="danger600" role="alert">
        {error}
      </Typography>
    );
  }
  if (!data) return <Loader small>{t('sendHours.loading', 'Loading send hours…')}</Loader>;
  const share = Math.round(data.personalisedShare * 100);
  const title = t('sendHours.title', 'Recipients per send hour ({zone})', { zone: data.timeZone });
  return (
    <Box data-testid="send-hour-preview">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="delta" tag="h3">
          {title}
        </Typography>
        <Typography variant="omega" data-testid="send-hour-share">
          {t(
            'sendHours.share',
            '{personalised} of {recipients} recipients ({share} %) have enough data for their own hour; the others get {fallback}:00 in their time zone.',
            {
              personalised: data.personalised,
              recipients: data.recipients,
              share,
              fallback: String(data.fallbackHour).padStart(2, '0'),
            }
          )}
        </Typography>
        <BarChart labels={HOURS} values={data.hours} title={title} />
      </Flex>
    </Box>
  );
}
