import type { InappAction, InappMessage } from './types.js';

type Request = (
  path: string,
  method: string,
  body?: unknown,
  keepalive?: boolean
) => Promise<{ status: number; json(): Promise<unknown> }>;
type Fail = (res: { status: number; json(): Promise<unknown> }) => Promise<Error>;

/**
 * In-app messages for the storefront client: fetch the ones due now, report each show. Rendering
 * is separate (`strapi-plugin-segments/client/inapp`), so a site with its own UI ships none.
 */
export function messagesApi(
  request: Request,
  fail: Fail,
  flush: () => Promise<void>,
  query: () => string
) {
  return {
    async messages(): Promise<InappMessage[]> {
      // Events tracked on this page may be what puts the visitor in the segment.
      await flush();
      const res = await request('/messages' + query(), 'GET');
      if (res.status !== 200) throw await fail(res);
      return ((await res.json()) as { data: InappMessage[] }).data;
    },
    async reportMessage(id: string, action: InappAction, button?: number): Promise<void> {
      // keepalive: a click report must survive the navigation it starts.
      const body = button === undefined ? {} : { button };
      const res = await request(
        `/messages/${encodeURIComponent(id)}/${action}`,
        'POST',
        body,
        true
      );
      if (res.status !== 200) throw await fail(res);
    },
  };
}
