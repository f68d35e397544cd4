import fs from 'fs';
import type { Core } from '@strapi/strapi';

type Ensure = (name: string, data: Record<string, unknown>, schedule: boolean) => Promise<void>;

/** The demo's push, webhook and in-app campaigns, created by name when missing. */
export async function seedChannelCampaigns(strapi: Core.Strapi, ensure: Ensure): Promise<void> {
  const uid = 'plugin::segments.campaign';
  // Web Push: subscribe on the storefront page ("Get push notifications"), add to cart, and the
  // reminder arrives a minute later (the browser must reach its push service, e.g. FCM).
  await ensure(
    'Cart reminder (push)',
    {
      channel: 'push',
      segmentKey: 'new-this-week',
      variants: [
        {
          name: 'Friendly',
          weight: 1,
          title: 'Still thinking about it?',
          body: 'Your cart is waiting{% if traits.first_name %}, {{ traits.first_name }}{% endif %}.',
          url: '/?from=push',
        },
        {
          name: 'Urgent',
          weight: 1,
          title: 'Your cart expires soon',
          body: 'Check out in the next hour and shipping is on us.',
          url: '/?from=push',
        },
      ],
      push: { ttlSeconds: 3600, urgency: 'normal' },
      scheduleType: 'triggered',
      trigger: { event: 'add_to_cart' },
      triggerDelayMinutes: 1,
      reentry: { policy: 'cooldown', days: 1 },
      exitEvent: { event: 'purchase' },
      conversionEvent: 'purchase',
      conversionWindowHours: 24,
    },
    true
  );

  // In-app: after "Add to cart", the next storefront page view shows an offer (a modal or a
  // slide-up, A/B), once a day until the visitor dismisses it or presses a button.
  await ensure(
    'Cart offer (in-app)',
    {
      channel: 'inapp',
      segmentKey: 'cart-starters',
      variants: [
        {
          name: 'Modal',
          weight: 1,
          layout: 'modal',
          title: 'Still deciding{% if traits.first_name %}, {{ traits.first_name }}{% endif %}?',
          body: 'Take **10% off** this order with code `WELCOME10`.\n\n[Read the terms](/terms)',
          buttons: [
            { label: 'Shop the offer', url: '/?from=inapp', event: 'welcome_offer_taken' },
            { label: 'Not now' },
          ],
          theme: 'light',
          accent: '#4945ff',
        },
        {
          name: 'Slide-up',
          weight: 1,
          layout: 'slideup',
          title: '10% off this order',
          body: 'Use code **WELCOME10** at checkout.',
          buttons: [{ label: 'Shop now', url: '/?from=inapp', event: 'welcome_offer_taken' }],
          theme: 'dark',
          accent: '#ee5e52',
        },
      ],
      inapp: { priority: 60, maxShows: 1, periodHours: 24 },
      scheduleType: 'now',
      conversionEvent: 'purchase',
      conversionWindowHours: 72,
    },
    true
  );

  // Webhook: a purchase on the storefront page reaches the shop's "CRM" (a receiver in the demo's
  // storefront server that verifies the signature) a minute later, signed per Standard Webhooks.
  const webhookUrl = process.env.DEMO_WEBHOOK_URL;
  if (webhookUrl) {
    await ensure(
      'CRM sync (webhook)',
      {
        channel: 'webhook',
        segmentKey: 'new-this-week',
        webhook: { url: webhookUrl, timeoutSeconds: 5 },
        variants: [
          {
            name: 'Purchase',
            weight: 1,
            body: '{"type":"customer.purchased","profile":{{ profile.id }},"campaign":"{{ campaign.name }}","traits":{{ traits | json | raw }}}',
          },
        ],
        scheduleType: 'triggered',
        trigger: { event: 'purchase' },
        triggerDelayMinutes: 1,
        reentry: { policy: 'cooldown', days: 1 },
      },
      true
    );
    // The demo receiver needs the signing secret to verify; a real CRM gets it from the composer.
    const row = await strapi.db
      .query(uid as never)
      .findOne({ where: { name: 'CRM sync (webhook)' }, select: ['webhookSecret'] } as never);
    const secret = (row as { webhookSecret?: string } | null)?.webhookSecret;
    if (secret && process.env.DEMO_WEBHOOK_SECRET_FILE)
      fs.writeFileSync(process.env.DEMO_WEBHOOK_SECRET_FILE, secret, { mode: 0o600 });
  }
}
