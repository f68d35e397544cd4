import { Badge, Flex, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { getTranslation } from '../utils/getTranslation';
import { useT } from '../utils/useT';
import { layoutHasTargeting, TARGETS_FIELD } from './fields';

interface CellProps {
  documentId: string;
  model: string;
  locale?: string | null;
}

/** The list-view cell: the entry's target segments, or "Everyone". */
const TargetingListCell = ({ documentId, model, locale }: CellProps) => {
  const t = useT();
  const { get } = useFetchClient();
  const [names, setNames] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    get<{ results: Array<{ documentId: string; name?: string; key?: string }> }>(
      `/content-manager/relations/${model}/${documentId}/${TARGETS_FIELD}`,
      { params: { pageSize: 20, ...(locale ? { locale } : {}) } }
    )
      .then((res) => live && setNames(res.data.results.map((r) => r.name ?? r.key ?? r.documentId)))
      .catch(() => live && setNames(null));
    return () => {
      live = false;
    };
  }, [get, model, documentId, locale]);
  if (names === null) return <Typography textColor="neutral500">…</Typography>;
  if (names.length === 0) {
    return <Typography textColor="neutral600">{t('targeting.everyone', 'Everyone')}</Typography>;
  }
  return (
    <Flex gap={1} wrap="wrap" data-testid="targeting-cell">
      {names.map((n) => (
        <Badge key={n}>{n}</Badge>
      ))}
    </Flex>
  );
};

type Header = Record<string, unknown>;

/** `Admin/CM/pages/ListView/inject-column-in-table`: a "Segments" column on targeting-enabled types. */
export function addTargetingColumn({ displayedHeaders, layout }: { displayedHeaders: Header[]; layout: { options?: unknown } }) {
  if (!layoutHasTargeting(layout.options)) return { displayedHeaders, layout };
  return {
    displayedHeaders: [
      ...displayedHeaders,
      {
        attribute: { type: 'string' },
        label: { id: getTranslation('targeting.targets'), defaultMessage: 'Target segments' },
        searchable: false,
        sortable: false,
        name: TARGETS_FIELD,
        cellFormatter: (row: { documentId: string; locale?: string | null }, _header: unknown, meta: { model: string }) => (
          <TargetingListCell documentId={row.documentId} model={meta.model} locale={row.locale} />
        ),
      },
    ],
    layout,
  };
}
