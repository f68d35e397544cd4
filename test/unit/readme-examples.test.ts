import fs from 'fs';
import path from 'path';
import { validateRule } from '../../server/src/rules';

/** The README's rule examples are what people copy first: each must be a valid rule. */
describe('README rule examples', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /```jsonc\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const examples = block
    .split('\n')
    .map((line) => line.replace(/\s+\/\/.*$/, '').trim())
    .filter(Boolean);

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(examples)('%s is valid', (example) => {
    const rule = JSON.parse(example);
    expect(
      validateRule(rule, { retentionDays: 90, knownSegments: (key) => key === 'vip' })
    ).toEqual([]);
  });
});
