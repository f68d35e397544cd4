import { regexRisks } from '../../../server/src/rules';

describe('regexRisks', () => {
  it.each([
    '^(Mobile|Tablet)',
    '-12-25$',
    '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
    '^\\w+@\\w+\\.\\w+$',
    '.*foo.*',
    '(?:\\d{3}-)+\\d{4}',
    '^(a|b|c)*$',
    '[\\d-z]+x',
    '(?<year>\\d{4})-(?<month>\\d{2})',
    '\\bchrome\\b',
    '[^/]+/[^/]+',
    'a\\/b',
  ])('accepts %s', (pattern) => {
    expect(regexRisks(pattern)).toEqual([]);
  });

  it.each([
    ['(a+)+', 'nested quantifiers'],
    ['(a*)*b', 'nested quantifiers'],
    ['^(\\w+\\s?)*$', 'nested quantifiers'],
    ['(x{1,3}){2,}', 'nested quantifiers'],
    ['(a|a)*', 'start with the same character'],
    ['(a|ab)+c', 'start with the same character'],
    ['(\\w|\\d)+', 'start with the same character'],
    ['(a|)+', 'can be empty'],
    ['.*a.*a.*b', 'three or more unbounded quantifiers'],
    ['\\d+\\d+\\d+x', 'three or more unbounded quantifiers'],
    ['(a)\\1', 'backreferences'],
    ['(?<q>a)\\k<q>', 'backreferences'],
    ['a{1,5000}', 'repetition counts above 1000'],
  ])('rejects %s (%s)', (pattern, reason) => {
    const risks = regexRisks(pattern);
    expect(risks.length).toBeGreaterThan(0);
    expect(risks.join('; ')).toContain(reason);
  });

  it('takes case-insensitivity into account for overlaps', () => {
    expect(regexRisks('(?:a|A)+')).toEqual([]);
    expect(regexRisks('(?:a|A)+', true).join()).toContain('start with the same character');
  });

  it('rejects over-long patterns', () => {
    expect(regexRisks('a'.repeat(257))).toEqual(['is longer than 256 characters']);
    expect(regexRisks('a'.repeat(256))).toEqual([]);
  });

  it('the rejected shapes really are slow, and the accepted ones are not', () => {
    const input = 'a'.repeat(24) + '!';
    const timeOf = (pattern: string) => {
      const start = process.hrtime.bigint();
      new RegExp(pattern).test(input);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    expect(regexRisks('^(a+)+$')).not.toEqual([]);
    expect(timeOf('^(a+)+$')).toBeGreaterThan(20 * Math.max(timeOf('^a+$'), 0.05));
  });
});
