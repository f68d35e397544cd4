import { csvRowToEvent, ndjsonLineToEvent, splitCsvLine } from '../../../server/src/import/parse';

describe('import parsing', () => {
  it('splits CSV lines with quotes and escaped quotes', () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
  });

  it('maps event columns and turns the rest into properties', () => {
    const header = ['anonymousId', 'name', 'timestamp', 'value', 'sku', 'userId'];
    expect(csvRowToEvent(header, ['cdnow-00001', 'purchase', '1700000000000', '11.77', 'A1', ''])).toEqual({
      anonymousId: 'cdnow-00001',
      name: 'purchase',
      timestamp: 1_700_000_000_000,
      properties: { value: 11.77, sku: 'A1' },
    });
  });

  it('parses NDJSON lines and flags invalid JSON', () => {
    expect(ndjsonLineToEvent('{"name":"a"}')).toEqual({ name: 'a' });
    expect(ndjsonLineToEvent('{nope')).toBeUndefined();
  });
});
