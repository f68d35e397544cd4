import fs from 'fs';
import path from 'path';

/** Every `t('id', 'default')` in the admin has its id in en.json with that text, and vice versa. */
const ADMIN = path.resolve(__dirname, '../../../admin/src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) return sources(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

test('en.json holds exactly the messages the admin code uses', () => {
  const used = new Map<string, string>();
  const call = /\bt\(\s*'([^']+)',\s*'((?:[^'\\]|\\.)*)'/g;
  for (const file of sources(ADMIN)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(call)) {
      const text = m[2].replace(/\\'/g, "'");
      expect({ id: m[1], text: used.get(m[1]) ?? text }).toEqual({ id: m[1], text });
      used.set(m[1], text);
    }
  }
  const en = JSON.parse(
    fs.readFileSync(path.join(ADMIN, 'translations/en.json'), 'utf8')
  ) as Record<string, string>;
  expect(used.size).toBeGreaterThan(100);
  for (const [id, text] of used) expect({ id, text: en[id] }).toEqual({ id, text });
  // plugin.name is the menu label, used through intlLabel in index.ts.
  expect(Object.keys(en).filter((id) => !used.has(id))).toEqual(['plugin.name']);
});
