import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { useSegmentsApi } from '../api/client';
import type { Overview } from '../api/contracts';
import { getTranslation } from '../utils/getTranslation';

const Stat = ({ label, value, testId }: { label: string; value: number; testId: string }) => (
  <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} width="100%">
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="alpha" data-testid={testId}>
        {value.toLocaleString()}
      </Typography>
    </Flex>
  </Box>
);

const HomePage = () => {
  const { formatMessage } = useIntl();
  const { getOverview } = useSegmentsApi();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    getOverview()
      .then((data) => live && setOverview(data))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [getOverview]);

  const t = (id: string) => formatMessage({ id: getTranslation(id) });

  if (failed) return <Page.Error />;
  if (!overview) return <Page.Loading />;

  return (
    <Layouts.Root>
      <Page.Title>{t('home.title')}</Page.Title>
      <Page.Main>
        <Layouts.Header title={t('home.title')} subtitle={t('home.subtitle')} />
        <Layouts.Content>
          <Grid.Root gap={4}>
            <Grid.Item col={6} s={12}>
              <Stat label={t('home.segments')} value={overview.segments} testId="segments-count" />
            </Grid.Item>
            <Grid.Item col={6} s={12}>
              <Stat label={t('home.profiles')} value={overview.profiles} testId="profiles-count" />
            </Grid.Item>
          </Grid.Root>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};

export { HomePage };
