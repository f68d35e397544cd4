import { Webhook } from 'standardwebhooks';
import { classifyHttp } from '../../../server/src/campaigns/channels/http-outcome';
import {
  PUSH_PAYLOAD_MAX,
  pushPayload,
  pushVariantProblems,
  pushVariantSchema,
  renderPush,
} from '../../../server/src/campaigns/channels/push-content';
import {
  newWebhookSecret,
  renderWebhookBody,
  signWebhook,
  WebhookBodyError,
} from '../../../server/src/campaigns/channels/webhook-content';
import { OutboundError } from '../../../server/src/outbound/http-client';
import { limiter } from '../../../server/src/utils/limit';
import type { RenderData } from '../../../server/src/campaigns/render';

const policy = { maxAttempts: 3, baseMs: 1000, maxMs: 60_000 };
const answer = (status: number, headers: Record<string, string> = {}, bodyStart = '') => ({
  status,
  headers,
  bodyStart,
});
const data = (traits: Record<string, unknown>): RenderData => ({
  traits,
  user: null,
  campaign: { id: 'c1', name: 'Cart', variant: 'A' },
  profile: { id: 7, email: null },
  unsubscribe_url: 'https://cms.example/u',
});

describe('HTTP outcome of a push or webhook attempt', () => {
  const now = 1_000_000;
  it("delivers on 2xx, removes on the channel's gone statuses, fails on other 4xx", () => {
    expect(classifyHttp(answer(201), 1, now, policy, [404, 410])).toEqual({
      kind: 'delivered',
      status: 201,
    });
    expect(classifyHttp(answer(410), 1, now, policy, [404, 410]).kind).toBe('gone');
    expect(classifyHttp(answer(404), 1, now, policy).kind).toBe('failed');
    expect(classifyHttp(answer(400, {}, '  bad\n payload '), 1, now, policy)).toEqual({
      kind: 'failed',
      error: 'HTTP 400: bad payload',
    });
  });

  it('retries 429, 408 and 5xx with backoff, never sooner than Retry-After, and gives up at maxAttempts', () => {
    expect(classifyHttp(answer(503), 1, now, policy)).toMatchObject({
      kind: 'retry',
      nextAttemptAt: now + 1000,
    });
    expect(classifyHttp(answer(503), 2, now, policy)).toMatchObject({
      kind: 'retry',
      nextAttemptAt: now + 2000,
    });
    expect(classifyHttp(answer(429, { 'retry-after': '30' }), 1, now, policy)).toMatchObject({
      kind: 'retry',
      nextAttemptAt: now + 30_000,
    });
    expect(classifyHttp(answer(429, { 'retry-after': '0' }), 2, now, policy)).toMatchObject({
      nextAttemptAt: now + 2000,
    });
    expect(classifyHttp(answer(408), 1, now, policy).kind).toBe('retry');
    expect(classifyHttp(answer(500), 3, now, policy)).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/^gave up after 3 attempts: HTTP 500/),
    });
  });

  it('retries timeouts and network errors, never a refused target', () => {
    expect(classifyHttp(new OutboundError('timeout', 'no answer'), 1, now, policy).kind).toBe(
      'retry'
    );
    expect(classifyHttp(new OutboundError('network', 'ECONNRESET'), 1, now, policy).kind).toBe(
      'retry'
    );
    expect(classifyHttp(new OutboundError('refused', '10.0.0.1'), 1, now, policy)).toMatchObject({
      kind: 'failed',
      error: 'refused: 10.0.0.1',
    });
  });
});

describe('push content', () => {
  const variant = pushVariantSchema.parse({
    name: 'A',
    title: 'Hi {{ traits.name }}',
    body: '<b>{{ traits.name }}</b> your cart',
    url: '{{ traits.link }}',
    image: 'javascript:alert(1)',
    actions: [{ action: 'open', title: 'Open', url: 'https://shop.example/cart' }],
  });

  it('renders plain text (no HTML escaping: the browser shows text) and drops non-web URLs', () => {
    const n = renderPush(variant, data({ name: 'Ann & <Bo>', link: '/cart' }), {
      tag: 't1',
      displayedUrl: 'https://d',
      clickedUrl: 'https://c',
    });
    expect(n).toEqual({
      title: 'Hi Ann & <Bo>',
      body: '<b>Ann & <Bo></b> your cart',
      url: '/cart',
      actions: [{ action: 'open', title: 'Open', url: 'https://shop.example/cart' }],
      tag: 't1',
      displayed: 'https://d',
      clicked: 'https://c',
    });
    expect(renderPush(variant, data({ link: 'javascript:alert(1)' }), null).url).toBeUndefined();
  });

  it('refuses at save what cannot fit a push message, and at send what grew past it', () => {
    expect(pushVariantProblems(variant)).toEqual([]);
    const big = pushVariantSchema.parse({
      name: 'B',
      title: 't'.repeat(200),
      body: 'b'.repeat(1000),
      icon: 'i'.repeat(2000),
      image: 'm'.repeat(2000),
    });
    expect(pushVariantProblems(big).map((p) => p.field)).toEqual(['body']);
    const grown = renderPush(variant, data({ name: 'x'.repeat(5000) }), null);
    expect(pushPayload(grown)).toEqual({
      ok: false,
      error: expect.stringMatching(new RegExp(`exceeds the push limit of ${PUSH_PAYLOAD_MAX}`)),
    });
    expect(PUSH_PAYLOAD_MAX).toBe(3993);
  });
});

describe('webhook content', () => {
  it('escapes output for JSON strings, so a trait cannot break out of its quotes', () => {
    const body = renderWebhookBody(
      {
        name: 'A',
        weight: 1,
        body: '{"name":"{{ traits.name }}","admin":false,"plan":{{ traits.plan | json | raw }}}',
      },
      data({ name: 'x","admin":true,"y":"\\\n', plan: { tier: 'gold' } })
    );
    expect(JSON.parse(body)).toEqual({
      name: 'x","admin":true,"y":"\\\n',
      admin: false,
      plan: { tier: 'gold' },
    });
  });

  it('refuses a rendered body that is not JSON', () => {
    expect(() =>
      renderWebhookBody({ name: 'A', weight: 1, body: '{"n": {{ traits.n }}}' }, data({}))
    ).toThrow(WebhookBodyError);
  });

  it('signs per the Standard Webhooks spec (the reference library verifies it)', () => {
    const secret = newWebhookSecret();
    const at = new Date();
    const signed = signWebhook(secret, 'msg_42', '{"a":1}', at);
    expect(signed.headers['webhook-id']).toBe('msg_42');
    expect(signed.headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(new Webhook(secret).verify(signed.body, signed.headers)).toEqual({ a: 1 });
    expect(() => new Webhook(newWebhookSecret()).verify(signed.body, signed.headers)).toThrow();
  });
});

describe('limiter', () => {
  it('never runs more than its concurrency at once, and runs everything', async () => {
    const run = limiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, (i * 7) % 5));
          active -= 1;
          return i;
        })
      )
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
