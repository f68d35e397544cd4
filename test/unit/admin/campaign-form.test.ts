import { emptyForm, formOf, inputOf, type Form } from '../../../admin/src/utils/campaignForm';
import type { Campaign } from '../../../admin/src/api/contracts';

const composed = (patch: Partial<Form> = {}): Form => ({
  ...emptyForm(),
  name: 'Welcome',
  segmentKey: 'germany',
  timezone: 'Europe/Berlin',
  variants: [{ name: 'A', weight: 1, subject: 'Hi', preheader: '', html: '<p>Hi</p>', text: '' }],
  ...patch,
});

const stored = (patch: Partial<Campaign> = {}): Campaign => ({
  documentId: 'abc',
  state: 'draft',
  scheduledAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  name: 'Welcome',
  segmentKey: 'germany',
  variants: [
    { name: 'A', weight: 1, subject: 'Hi', preheader: null, html: '<p>Hi</p>', text: null },
  ],
  holdoutPercent: 0,
  scheduleType: 'now',
  sendAt: null,
  cron: null,
  timezone: 'Europe/Berlin',
  localTime: null,
  quietHours: null,
  frequencyCap: null,
  conversionEvent: null,
  conversionWindowHours: 72,
  ...patch,
});

const dataOf = (form: Form, loaded: Campaign | null = null) => {
  const body = inputOf(form, loaded);
  if (!('data' in body)) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

describe('campaign composer form', () => {
  it('sends exactly the fields a server without triggers and intelligent timing knows', () => {
    expect(dataOf(composed())).toEqual({
      name: 'Welcome',
      segmentKey: 'germany',
      variants: [
        { name: 'A', weight: 1, subject: 'Hi', html: '<p>Hi</p>', preheader: null, text: null },
      ],
      holdoutPercent: 0,
      scheduleType: 'now',
      sendAt: null,
      cron: null,
      timezone: 'Europe/Berlin',
      localTime: null,
      quietHours: null,
      frequencyCap: null,
      conversionEvent: null,
      conversionWindowHours: 72,
    });
  });

  it('sends the options the editor turned on, and only the schedule field of the chosen type', () => {
    const data = dataOf(
      composed({
        scheduleType: 'recurring',
        cron: '0 9 * * 1',
        sendAt: '2026-03-01T10:00',
        localTimeOn: true,
        localTime: '08:30',
        quietOn: true,
        capOn: true,
        capMax: 2,
        capPeriodHours: 48,
        conversionEvent: 'purchase',
      })
    );
    expect(data).toMatchObject({
      scheduleType: 'recurring',
      cron: '0 9 * * 1',
      sendAt: null,
      localTime: '08:30',
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCap: { max: 2, periodHours: 48 },
      conversionEvent: 'purchase',
    });
    const at = dataOf(
      composed({ scheduleType: 'at', sendAt: '2026-03-01T10:00', cron: '0 9 * * 1' })
    );
    expect(at.sendAt).toBe(new Date('2026-03-01T10:00').toISOString());
    expect(at.cron).toBeNull();
  });

  it('sends intelligent timing and trigger fields only when set, and clears them when a stored campaign has them', () => {
    expect(dataOf(composed({ intelligentTiming: true })).intelligentTiming).toBe(true);
    const triggered = dataOf(
      composed({
        scheduleType: 'triggered',
        triggerEvent: 'signup',
        triggerWhere: '{"plan":"pro"}',
        triggerDelayMinutes: 30,
        reentry: 'cooldown',
        reentryDays: 14,
        exitOn: true,
        exitEvent: 'purchase',
      })
    );
    expect(triggered).toMatchObject({
      scheduleType: 'triggered',
      trigger: { event: 'signup', where: { plan: 'pro' } },
      triggerDelayMinutes: 30,
      reentry: { policy: 'cooldown', days: 14 },
      exitEvent: { event: 'purchase', where: undefined },
    });
    const entry = dataOf(
      composed({ scheduleType: 'triggered', triggerKind: 'segmentEntry', triggerSegment: 'vip' })
    );
    expect(entry.trigger).toEqual({ segmentEntry: 'vip' });
    expect(entry.exitEvent).toBeNull();

    const had = stored({
      intelligentTiming: true,
      scheduleType: 'triggered',
      trigger: { event: 'signup' },
      triggerDelayMinutes: 5,
      reentry: { policy: 'once' },
      exitEvent: null,
    });
    const cleared = dataOf({ ...formOf(had), intelligentTiming: false, scheduleType: 'now' }, had);
    expect(cleared).toMatchObject({
      intelligentTiming: false,
      trigger: null,
      triggerDelayMinutes: null,
      reentry: null,
    });
    expect(cleared).not.toHaveProperty('exitEvent');
  });

  it('names a JSON condition that does not parse', () => {
    const body = inputOf(
      composed({ scheduleType: 'triggered', triggerEvent: 'x', triggerWhere: '{plan:' }),
      null
    );
    expect(body).toEqual({
      errors: [{ path: 'trigger.where', message: 'must be a JSON condition' }],
    });
  });

  it('round-trips a stored campaign: loading it and saving unchanged sends what is stored', () => {
    const c = stored({
      holdoutPercent: 10,
      scheduleType: 'at',
      sendAt: '2026-03-01T09:00:00.000Z',
      localTime: '07:45',
      quietHours: { start: '22:00', end: '07:00' },
      frequencyCap: { max: 3, periodHours: 24 },
      conversionEvent: 'purchase',
      conversionWindowHours: 48,
    });
    const {
      documentId: _id,
      state: _s,
      scheduledAt: _a,
      createdAt: _c,
      updatedAt: _u,
      ...fields
    } = c;
    expect(dataOf(formOf(c), c)).toEqual(fields);
  });

  it('round-trips a push campaign with its buttons (editing must not drop them)', () => {
    const c = stored({
      channel: 'push',
      push: { ttlSeconds: 7200, urgency: 'high' },
      variants: [
        {
          name: 'A',
          weight: 1,
          title: 'Hi {{ traits.first_name }}',
          body: 'Your cart is waiting',
          icon: null,
          image: null,
          url: '/cart',
          actions: [
            { action: 'open-cart', title: 'Open cart', url: '/cart' },
            { action: 'later', title: 'Later', url: null },
          ],
        } as never,
      ],
    } as Partial<Campaign>);
    const data = dataOf(formOf(c), c);
    expect(data.variants).toEqual([
      {
        name: 'A',
        weight: 1,
        title: 'Hi {{ traits.first_name }}',
        body: 'Your cart is waiting',
        icon: null,
        image: null,
        url: '/cart',
        actions: [
          { action: 'open-cart', title: 'Open cart', url: '/cart' },
          { action: 'later', title: 'Later', url: null },
        ],
      },
    ]);
    expect(data).toMatchObject({ channel: 'push', push: { ttlSeconds: 7200, urgency: 'high' } });
  });

  it('round-trips an in-app campaign: image as { url, alt }, buttons, options; send-time rules cleared', () => {
    const variant = {
      name: 'Modal',
      weight: 2,
      layout: 'slideup',
      title: 'Hi {{ traits.first_name }}',
      body: 'Take **10% off**',
      image: { url: '/uploads/offer.png', alt: 'A mug' },
      buttons: [
        { label: 'Shop', url: '/shop', event: 'offer_taken' },
        { label: 'Not now', url: null, event: null },
      ],
      theme: 'dark',
      accent: '#ee5e52',
    };
    const c = stored({
      channel: 'inapp',
      inapp: {
        startsAt: '2026-03-01T10:00:00.000Z',
        endsAt: null,
        priority: 70,
        maxShows: 3,
        periodHours: 12,
      },
      variants: [variant as never],
    } as Partial<Campaign>);
    const form = formOf(c);
    expect(form.variants[0]).toMatchObject({
      image: '/uploads/offer.png',
      imageAlt: 'A mug',
      layout: 'slideup',
    });
    const data = dataOf({ ...form, quietOn: true, capOn: true, localTimeOn: true }, c);
    expect(data.variants).toEqual([variant]);
    expect(data).toMatchObject({
      channel: 'inapp',
      inapp: {
        startsAt: '2026-03-01T10:00:00.000Z',
        endsAt: null,
        priority: 70,
        maxShows: 3,
        periodHours: 12,
      },
      quietHours: null,
      frequencyCap: null,
      localTime: null,
    });
    // Triggered: shown on the next page view, so no delay, re-entry or exit event is sent.
    const triggered = dataOf(
      {
        ...form,
        scheduleType: 'triggered',
        triggerEvent: 'add_to_cart',
        reentry: 'cooldown',
        exitOn: true,
        exitEvent: 'purchase',
        triggerDelayMinutes: 5,
      },
      c
    );
    expect(triggered).toMatchObject({
      trigger: { event: 'add_to_cart' },
      triggerDelayMinutes: 0,
      reentry: null,
      exitEvent: null,
    });
    // Switching the channel away clears the in-app options.
    expect(dataOf({ ...form, channel: 'email' }, c).inapp).toBeNull();
  });
});
