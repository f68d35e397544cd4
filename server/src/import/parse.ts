/**
 * Bulk-import lines → event objects in the shape of `POST /events` (with `userId` /
 * `anonymousId`, as an API-token caller sends them). Pure; the service streams lines in and
 * validates the result with events/validate.ts, so imports obey the same rules as the API.
 *
 * CSV: a header row; columns `name`, `timestamp`, `userId`, `anonymousId`, `messageId`,
 * `value` map to the event, every other column becomes a property. Quoted fields ("a,b",
 * "say ""hi""") are understood; a field may not span lines.
 */
export type ImportFormat = 'ndjson' | 'csv';

export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

const EVENT_COLUMNS = new Set(['name', 'timestamp', 'userId', 'anonymousId', 'messageId']);

const asNumber = (raw: string): number | string => {
  const trimmed = raw.trim();
  return trimmed !== '' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : raw;
};

/** One CSV data row as an event object; empty cells are left out. */
export function csvRowToEvent(header: string[], fields: string[]): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const raw = fields[i];
    if (raw === undefined || raw === '') return;
    if (column === 'timestamp' || column === 'userId') event[column] = asNumber(raw);
    else if (EVENT_COLUMNS.has(column)) event[column] = raw;
    else properties[column] = asNumber(raw);
  });
  if (Object.keys(properties).length) event.properties = properties;
  return event;
}

/** One NDJSON line, or `undefined` when it is not JSON. */
export function ndjsonLineToEvent(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
