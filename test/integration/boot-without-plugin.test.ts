import fs from 'fs';
import os from 'os';
import path from 'path';
import { bootStrapi, createTestDatabase, ROOT } from './helpers/strapi';

describe('the playground without a built plugin', () => {
  it('refuses to boot instead of silently running without the plugin', async () => {
    // A copy of the plugin's package.json with no dist/ next to it: exactly what a user has after
    // cloning and forgetting `npm run build`. Strapi itself would boot without the plugin.
    const unbuilt = fs.mkdtempSync(path.join(os.tmpdir(), 'segments-unbuilt-'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(unbuilt, 'package.json'));
    const db = await createTestDatabase('unbuilt');
    try {
      await expect(bootStrapi(db, { SEGMENTS_PLUGIN_PATH: unbuilt })).rejects.toThrow(
        /strapi-plugin-segments is not loaded/,
      );
    } finally {
      await db.drop();
      fs.rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
