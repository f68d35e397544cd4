/** Names of the attributes the server injects into targeting-enabled types (server/src/personalization/targeting.ts). */
export const TARGETS_FIELD = 'segmentsTargets';
export const PRIORITY_FIELD = 'segmentsPriority';

interface AttributeLike {
  pluginOptions?: { segments?: { injected?: boolean } };
}

/** A content type (CM schema) has targeting when the server injected its relation. */
export function hasTargeting(schema: { attributes?: Record<string, unknown> } | undefined): boolean {
  const attribute = schema?.attributes?.[TARGETS_FIELD] as AttributeLike | undefined;
  return attribute?.pluginOptions?.segments?.injected === true;
}

/** Layout options of a CM layout (schema options merged with pluginOptions). */
export function layoutHasTargeting(options: unknown): boolean {
  const segments = (options as { segments?: { enabled?: unknown } } | undefined)?.segments;
  return segments?.enabled === true;
}

/** The CM form value of a relation field: what to link and unlink on save. */
export interface RelationDelta {
  connect: Array<{ documentId: string; apiData?: { documentId: string } }>;
  disconnect: Array<{ documentId: string; apiData?: { documentId: string } }>;
}

/** Selected = saved links − disconnected + connected. */
export function selectedTargets(saved: readonly string[], delta: RelationDelta | undefined): string[] {
  const removed = new Set((delta?.disconnect ?? []).map((r) => r.documentId));
  const out = saved.filter((id) => !removed.has(id));
  for (const r of delta?.connect ?? []) if (!out.includes(r.documentId)) out.push(r.documentId);
  return out;
}

/** The form value that turns `saved` links into `selection` on save (the CM sends `apiData`). */
export function relationDelta(saved: readonly string[], selection: readonly string[]): RelationDelta {
  const entry = (documentId: string) => ({ documentId, apiData: { documentId } });
  return {
    connect: selection.filter((id) => !saved.includes(id)).map(entry),
    disconnect: saved.filter((id) => !selection.includes(id)).map(entry),
  };
}

type Field = { name: string };
type Layout = { options?: unknown; layout: Field[][][]; [key: string]: unknown };

/** Removes the raw injected fields from the CM edit layout: the side panel edits them. */
export function hideInjectedFields<L extends Layout>({ layout, ...rest }: { layout: L; [key: string]: unknown }) {
  if (!layoutHasTargeting(layout.options)) return { layout, ...rest };
  const hidden = new Set([TARGETS_FIELD, PRIORITY_FIELD]);
  const panels = layout.layout
    .map((panel) => panel.map((row) => row.filter((field) => !hidden.has(field.name))).filter((row) => row.length > 0))
    .filter((panel) => panel.length > 0);
  return { layout: { ...layout, layout: panels }, ...rest };
}
