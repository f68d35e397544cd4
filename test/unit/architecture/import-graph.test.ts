import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

/**
 * The import graph (docs/ARCHITECTURE.md, "Layers"): the rules in .dependency-cruiser.cjs hold
 * (no circles, no pure core importing Strapi, …), and folders depend on each other one way, in
 * the order below. A fixture tree proves the rules catch what they name.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Cruise {
  modules: Array<{
    source: string;
    dependencies: Array<{ resolved: string; dependencyTypes: string[] }>;
  }>;
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
}

function cruise(cwd: string, dirs: string[]): Cruise {
  const out = execFileSync(
    BIN,
    [...dirs, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'],
    {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }
  );
  return JSON.parse(out) as Cruise;
}

/**
 * server/src folders from the top (may import those below) to the bottom (imports nothing above
 * it). The shell files at server/src's top level wire them together and may import any.
 */
const LAYERS = [
  'identity',
  'field-variants',
  'analytics',
  'campaigns',
  'push',
  'inapp',
  'import',
  'retention',
  'settings',
  'personalization',
  'segments',
  'experiments',
  'events',
  'geo',
  'scheduler',
  'profiles',
  'outbound',
  // leaves
  'shell',
  'permissions',
  'config',
  'rules',
  'store',
  'contracts',
  'utils',
  'types',
];

const folderOf = (file: string) => {
  const parts = file.split('/');
  return parts[0] === 'server' && parts[1] === 'src' && parts.length > 3 ? parts[2] : null;
};

describe('import graph', () => {
  const graph = cruise(ROOT, ['server/src', 'admin/src', 'client/src']);

  it('keeps every rule of .dependency-cruiser.cjs', () => {
    expect(graph.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('places every server folder in a layer', () => {
    const folders = new Set(
      graph.modules.map((m) => folderOf(m.source)).filter((f): f is string => f !== null)
    );
    expect([...folders].filter((f) => !LAYERS.includes(f))).toEqual([]);
  });

  it('has folders depend on each other one way, downwards', () => {
    const upward: string[] = [];
    for (const m of graph.modules) {
      const from = folderOf(m.source);
      if (!from) continue;
      for (const d of m.dependencies) {
        const to = folderOf(d.resolved);
        if (to && to !== from && LAYERS.indexOf(to) < LAYERS.indexOf(from))
          upward.push(`${m.source} → ${d.resolved}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('catches a circle, a core importing Strapi and a leaf importing a domain (fixture)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segments-graph-'));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      // A stand-in @strapi/strapi: the rules look at the import, not at what the package holds.
      write(
        'node_modules/@strapi/strapi/package.json',
        '{"name":"@strapi/strapi","main":"index.js","types":"index.d.ts"}'
      );
      write('node_modules/@strapi/strapi/index.js', 'module.exports = {};\n');
      write(
        'node_modules/@strapi/strapi/index.d.ts',
        'export declare namespace Core { type Strapi = object; }\n'
      );
      write('server/src/alpha/a.ts', "import { b } from './b';\nexport const a = () => b();\n");
      write('server/src/alpha/b.ts', "import { a } from './a';\nexport const b = () => a();\n");
      write(
        'server/src/alpha/core.ts',
        "import type { Core } from '@strapi/strapi';\nexport type S = Core.Strapi;\n"
      );
      write(
        'server/src/alpha/service.ts',
        "import type { Core } from '@strapi/strapi';\nexport default (s: Core.Strapi) => s;\n"
      );
      write(
        'server/src/store/leaf.ts',
        "import { a } from '../alpha/a';\nexport const leaf = a;\n"
      );
      const found = cruise(dir, ['server/src']).summary.violations.map(
        (v) => `${v.rule.name}:${v.from}`
      );
      // A circle is reported once, from whichever of its files is cruised first.
      expect(found.filter((v) => v.startsWith('no-circular:server/src/alpha/'))).toHaveLength(1);
      expect(new Set(found.filter((v) => !v.startsWith('no-circular:')))).toEqual(
        new Set([
          'core-imports-no-strapi:server/src/alpha/core.ts',
          'leaves-import-no-domains:server/src/store/leaf.ts',
        ])
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
