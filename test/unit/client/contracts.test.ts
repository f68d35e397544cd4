import type * as Server from '../../../server/src/contracts';
import type * as Client from '../../../client/src/types';
import { inappBundle, minifiedBundle } from '../../../scripts/build-client';

/**
 * The client restates the content API's shapes (it ships without the server). These assignments
 * stop compiling when the two drift apart.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: Array<true> = [
  true as Same<Client.MeResponse, Server.MeResponse>,
  true as Same<Client.IdentifyResponse, Server.IdentifyResponse>,
  true as Same<Client.EventsResponse['rejected'], Server.EventsResponse['rejected']>,
  true as Same<Client.TrackEvent, Server.TrackEvent>,
  true as Same<Client.ClientContext, Server.ClientContextInput>,
  true as Same<Client.InappMessage, Server.InappMessage>,
];

describe('the storefront client package', () => {
  it('states the same request and response shapes as the server', () => {
    expect(checks.every(Boolean)).toBe(true);
  });

  it('is under 5 kB minified and gzipped', async () => {
    const { bytes, gzipBytes } = await minifiedBundle();
    console.log(`storefront client: ${bytes} B minified, ${gzipBytes} B min+gzip (budget 5120 B)`);
    expect(gzipBytes).toBeLessThan(5 * 1024);
  });

  it('keeps the default in-app renderer within 3 kB minified and gzipped', async () => {
    const { bytes, gzipBytes } = await inappBundle();
    console.log(`in-app renderer: ${bytes} B minified, ${gzipBytes} B min+gzip (budget 3072 B)`);
    expect(gzipBytes).toBeLessThanOrEqual(3 * 1024);
  });
});
