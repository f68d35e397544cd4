import fs from 'fs';
import path from 'path';

/**
 * Small files (CONTRIBUTING.md, "Structure"): no hand-written source file over 400 lines, so a
 * file stays about one thing. Tests, fixtures and generated files are not sources.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE_DIRS = ['server/src', 'admin/src', 'client/src', 'playground/src', 'scripts', 'bench'];
const MAX_LINES = 400;

function sourcesIn(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesIn(rel);
    return /\.(ts|tsx|js|cjs|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('file size', () => {
  const files = SOURCE_DIRS.flatMap(sourcesIn);

  it('finds the sources it checks', () => {
    expect(files).toContain(path.join('server', 'src', 'index.ts'));
    expect(files.length).toBeGreaterThan(200);
  });

  it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
    const oversized = files
      .map((file) => ({
        file,
        lines: fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1,
      }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(oversized).toEqual([]);
  });
});
