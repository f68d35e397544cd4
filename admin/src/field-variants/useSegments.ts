import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { DataEnvelope, SegmentSummary } from '../api/contracts';
import { PLUGIN_ID } from '../pluginId';

/** Sizes and keys of the segments an editor can pick (the plugin's admin list). */
export function useSegments() {
  const { get } = useFetchClient();
  const [segments, setSegments] = useState<SegmentSummary[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    get<DataEnvelope<SegmentSummary[]>>(`/${PLUGIN_ID}/segments`)
      .then((res) => live && setSegments(res.data.data))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [get]);
  return { segments, failed };
}
