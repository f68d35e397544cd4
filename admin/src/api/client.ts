import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback } from 'react';
import { PLUGIN_ID } from '../pluginId';
import type { DataEnvelope, Overview } from './contracts';

/** A typed client for the plugin's admin API, built on Strapi's authenticated fetch client. */
export function useSegmentsApi() {
  const { get } = useFetchClient();
  const getOverview = useCallback(async (): Promise<Overview> => {
    const response = await get<DataEnvelope<Overview>>(`/${PLUGIN_ID}/overview`);
    return response.data.data;
  }, [get]);
  return { getOverview };
}
