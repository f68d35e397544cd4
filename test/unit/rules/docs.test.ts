import { readFileSync } from 'fs';
import { join } from 'path';
import {
  EXTENSION_KEYS,
  LOGICAL_OPERATORS,
  VALUE_OPERATORS,
  compileRule,
  explainRule,
  validateRule,
} from '../../../server/src/rules';
import { envAt, profile } from './helpers';

/** Every JSON rule written in docs/rules.md before "Deviations" (which shows invalid ones). */
function documentedRules(): Array<Record<string, unknown>> {
  const markdown = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'rules.md'), 'utf8');
  const reference = markdown.slice(0, markdown.indexOf('## Deviations'));
  const snippets = [
    ...[...reference.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]),
    ...[...reference.matchAll(/`(\{[^`]*\})`/g)].map((match) => match[1]),
  ];
  const conditionKeys = new Set<string>([...LOGICAL_OPERATORS, ...EXTENSION_KEYS]);
  const valueOperators = new Set<string>(VALUE_OPERATORS);
  const rules: Array<Record<string, unknown>> = [];
  for (const snippet of snippets) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(snippet);
    } catch {
      continue; // a fragment such as "count": { "$gte": 3 }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
    const keys = Object.keys(parsed);
    // Skip value-level fragments ({ "$regex": … }) and extension parts ({ "$within": … }).
    const isRule = keys.every(
      (key) => !key.startsWith('$') || (conditionKeys.has(key) && !valueOperators.has(key))
    );
    if (isRule) rules.push(parsed as Record<string, unknown>);
  }
  return rules;
}

describe('docs/rules.md', () => {
  const rules = documentedRules();

  it('has examples for every operator and extension', () => {
    const text = JSON.stringify(rules);
    for (const key of [...VALUE_OPERATORS, ...LOGICAL_OPERATORS, ...EXTENSION_KEYS]) {
      expect(text).toContain(`"${key}"`);
    }
  });

  test.each(rules.map((rule) => ({ rule, json: JSON.stringify(rule) })))(
    'example $json is valid, explainable and evaluable',
    ({ rule }) => {
      expect(
        validateRule(rule, { retentionDays: 90, now: new Date('2024-06-15T12:00:00Z') })
      ).toEqual([]);
      expect(explainRule(rule)).not.toMatch(/invalid|unknown operator/);
      expect(typeof compileRule(rule)(profile(), envAt('2024-06-15T12:00:00Z'))).toBe('boolean');
    }
  );
});
