import fs from 'fs';
import path from 'path';
import { z } from 'zod';
import { pluginConfigSchema } from '../../server/src/config';
import { contentApiRoutes } from '../../server/src/routes';

const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Leaf keys of the config schema: objects reached through defaults/optionals are walked into. */
function configKeys(schema: z.ZodTypeAny, prefix = ''): string[] {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional || inner instanceof z.ZodEffects) {
    inner = inner instanceof z.ZodEffects ? inner.innerType() : inner._def.innerType;
  }
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodTypeAny>).flatMap(([key, child]) =>
      configKeys(child, prefix ? `${prefix}.${key}` : key)
    );
  }
  return [prefix];
}

/** Rows of the README's configuration table: key → env var cell. */
function configTable(): Map<string, string> {
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## The rule language'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const key = /^`([A-Za-z.]+)`$/.exec(cells[1] ?? '')?.[1];
    if (key) rows.set(key, cells[3] ?? '');
  }
  return rows;
}

describe('README configuration reference', () => {
  const keys = configKeys(pluginConfigSchema);
  const table = configTable();

  it('finds the schema keys', () => {
    expect(keys).toContain('identity.cookie.enabled');
    expect(keys).toContain('grantStorefrontPermissions');
    expect(keys.length).toBeGreaterThan(30);
  });

  it('documents every configuration key, and only keys that exist', () => {
    expect(keys.filter((k) => !table.has(k))).toEqual([]);
    expect([...table.keys()].filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('names env vars that the example config/plugins.ts actually reads', () => {
    const example = /```ts\n\/\/ config\/plugins\.ts[\s\S]*?```/.exec(readme)?.[0] ?? '';
    expect(example).not.toBe('');
    const named = [...table.values()].flatMap((cell) => cell.match(/SEGMENTS_[A-Z_]+/g) ?? []);
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((v) => !example.includes(`'${v}'`))).toEqual([]);
  });
});

describe('OpenAPI document', () => {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = contentApiRoutes.map((r) => ({
    method: r.method.toLowerCase(),
    path: r.path.replace(/:([A-Za-z]+)/g, '{$1}'),
  }));

  it('is OpenAPI 3', () => {
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('describes every content-API route of the plugin, and no route that does not exist', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method]).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => `${method} ${p}`)
    );
    const extra = documented.filter((d) => !routes.some((r) => `${r.method} ${r.path}` === d));
    expect(extra).toEqual([]);
  });

  it('names a response for every operation and resolves every $ref', () => {
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    const unresolved = refs.filter(
      (ref) => ref.split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc) === undefined
    );
    expect(unresolved).toEqual([]);
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops) as { responses?: object }[]) expect(Object.keys(op.responses ?? {}).length).toBeGreaterThan(0);
    }
  });
});
