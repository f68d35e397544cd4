import type {
  Campaign,
  CampaignChannel,
  CampaignInput,
  CampaignVariant,
  FieldError,
} from '../api/contracts';

/*
 * The campaign composer's form model, pure (unit-tested in test/unit/admin/campaign-form.test.ts):
 * stored campaign → form, form → request body.
 */

/** The composer's form: the campaign's fields in input-friendly shapes. */
export interface Form {
  name: string;
  segmentKey: string;
  channel: CampaignChannel;
  pushTtlHours: number;
  pushUrgency: 'very-low' | 'low' | 'normal' | 'high';
  webhookUrl: string;
  webhookTimeoutSeconds: number;
  /** In-app: `datetime-local` values in the browser's zone ('' = open). */
  inappStartsAt: string;
  inappEndsAt: string;
  inappPriority: number;
  inappMaxShows: number;
  inappPeriodHours: number;
  variants: CampaignVariant[];
  holdoutPercent: number;
  scheduleType: CampaignInput['scheduleType'];
  /** `datetime-local` value in the browser's zone. */
  sendAt: string;
  cron: string;
  timezone: string;
  localTimeOn: boolean;
  localTime: string;
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  capOn: boolean;
  capMax: number;
  capPeriodHours: number;
  conversionEvent: string;
  conversionWindowHours: number;
  // Intelligent timing and triggered campaigns (fields being added server-side).
  intelligentTiming: boolean;
  triggerKind: 'event' | 'segmentEntry';
  triggerEvent: string;
  triggerWhere: string;
  triggerSegment: string;
  triggerDelayMinutes: number;
  reentry: 'once' | 'cooldown';
  reentryDays: number;
  exitOn: boolean;
  exitEvent: string;
  exitWhere: string;
}

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const pad = (n: number) => String(n).padStart(2, '0');
export const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export const newVariant = (index: number): CampaignVariant => ({
  name: String.fromCharCode(65 + index),
  weight: 1,
  subject: '',
  preheader: '',
  html: '',
  text: '',
  title: '',
  body: '',
  icon: '',
  image: '',
  url: '',
  layout: 'modal',
  theme: 'light',
  accent: '',
  imageAlt: '',
  buttons: [],
});

export const emptyForm = (): Form => ({
  name: '',
  segmentKey: '',
  channel: 'email',
  pushTtlHours: 24,
  pushUrgency: 'normal',
  webhookUrl: '',
  webhookTimeoutSeconds: 10,
  inappStartsAt: '',
  inappEndsAt: '',
  inappPriority: 50,
  inappMaxShows: 1,
  inappPeriodHours: 24,
  variants: [newVariant(0)],
  holdoutPercent: 0,
  scheduleType: 'now',
  sendAt: '',
  cron: '',
  timezone: browserZone(),
  localTimeOn: false,
  localTime: '09:00',
  quietOn: false,
  quietStart: '21:00',
  quietEnd: '08:00',
  capOn: false,
  capMax: 1,
  capPeriodHours: 24,
  conversionEvent: '',
  conversionWindowHours: 72,
  intelligentTiming: false,
  triggerKind: 'event',
  triggerEvent: '',
  triggerWhere: '',
  triggerSegment: '',
  triggerDelayMinutes: 0,
  reentry: 'once',
  reentryDays: 7,
  exitOn: false,
  exitEvent: '',
  exitWhere: '',
});

const json = (value: unknown) =>
  value === undefined || value === null ? '' : JSON.stringify(value);

export function formOf(c: Campaign): Form {
  const base = emptyForm();
  return {
    ...base,
    name: c.name,
    segmentKey: c.segmentKey,
    channel: c.channel ?? 'email',
    pushTtlHours: c.push ? c.push.ttlSeconds / 3600 : base.pushTtlHours,
    pushUrgency: c.push?.urgency ?? base.pushUrgency,
    webhookUrl: c.webhook?.url ?? '',
    webhookTimeoutSeconds: c.webhook?.timeoutSeconds ?? base.webhookTimeoutSeconds,
    inappStartsAt: toLocalInput(c.inapp?.startsAt ?? null),
    inappEndsAt: toLocalInput(c.inapp?.endsAt ?? null),
    inappPriority: c.inapp?.priority ?? base.inappPriority,
    inappMaxShows: c.inapp?.maxShows ?? base.inappMaxShows,
    inappPeriodHours: c.inapp?.periodHours ?? base.inappPeriodHours,
    variants: c.variants.map((v) => {
      // An in-app variant stores its image as { url, alt }; the form edits the two apart.
      const image = v.image as unknown as string | { url: string; alt: string } | null | undefined;
      const inappImage = image && typeof image === 'object' ? image : null;
      return {
        ...newVariant(0),
        ...v,
        preheader: v.preheader ?? '',
        text: v.text ?? '',
        icon: v.icon ?? '',
        image: inappImage ? inappImage.url : ((image as string | null | undefined) ?? ''),
        imageAlt: inappImage ? inappImage.alt : '',
        url: v.url ?? '',
        accent: v.accent ?? '',
        buttons: (v.buttons ?? []).map((b) => ({
          label: b.label,
          url: b.url ?? '',
          event: b.event ?? '',
        })),
      };
    }),
    holdoutPercent: c.holdoutPercent ?? 0,
    scheduleType: c.scheduleType,
    sendAt: toLocalInput(c.sendAt),
    cron: c.cron ?? '',
    timezone: c.timezone || 'UTC',
    localTimeOn: Boolean(c.localTime),
    localTime: c.localTime ?? base.localTime,
    quietOn: Boolean(c.quietHours),
    quietStart: c.quietHours?.start ?? base.quietStart,
    quietEnd: c.quietHours?.end ?? base.quietEnd,
    capOn: Boolean(c.frequencyCap),
    capMax: c.frequencyCap?.max ?? base.capMax,
    capPeriodHours: c.frequencyCap?.periodHours ?? base.capPeriodHours,
    conversionEvent: c.conversionEvent ?? '',
    conversionWindowHours: c.conversionWindowHours ?? base.conversionWindowHours,
    intelligentTiming: c.intelligentTiming === true,
    triggerKind: c.trigger?.segmentEntry ? 'segmentEntry' : 'event',
    triggerEvent: c.trigger?.event ?? '',
    triggerWhere: json(c.trigger?.where),
    triggerSegment: c.trigger?.segmentEntry ?? '',
    triggerDelayMinutes: c.triggerDelayMinutes ?? 0,
    reentry: c.reentry?.policy ?? 'once',
    reentryDays: c.reentry?.policy === 'cooldown' ? c.reentry.days : base.reentryDays,
    exitOn: Boolean(c.exitEvent),
    exitEvent: c.exitEvent?.event ?? '',
    exitWhere: json(c.exitEvent?.where),
  };
}

/**
 * Form → request body. The intelligent-timing and trigger fields are sent only when the editor
 * set them (or the stored campaign has them, to clear them): a server without those features
 * must keep accepting ordinary campaigns.
 */
export function inputOf(
  f: Form,
  loaded: Campaign | null
): { data: Partial<CampaignInput> } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parseWhere = (text: string, path: string): unknown => {
    if (!text.trim()) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      errors.push({ path, message: 'must be a JSON condition' });
      return undefined;
    }
  };
  const data: Partial<CampaignInput> = {
    name: f.name,
    segmentKey: f.segmentKey,
    variants: f.variants.map((v) => variantInput(f.channel, v)),
    holdoutPercent: f.holdoutPercent,
    scheduleType: f.scheduleType,
    sendAt: f.scheduleType === 'at' && f.sendAt ? new Date(f.sendAt).toISOString() : null,
    cron: f.scheduleType === 'recurring' ? f.cron || null : null,
    timezone: f.timezone,
    localTime: f.localTimeOn ? f.localTime : null,
    quietHours: f.quietOn ? { start: f.quietStart, end: f.quietEnd } : null,
    frequencyCap: f.capOn ? { max: f.capMax, periodHours: f.capPeriodHours } : null,
    conversionEvent: f.conversionEvent || null,
    conversionWindowHours: f.conversionWindowHours,
  };
  // The channel is sent when it is not e-mail (or was not before): older servers know only e-mail.
  if (f.channel !== 'email' || (loaded?.channel ?? 'email') !== 'email') data.channel = f.channel;
  if (f.channel === 'push')
    data.push = { ttlSeconds: Math.round(f.pushTtlHours * 3600), urgency: f.pushUrgency };
  else if (loaded?.push) data.push = null;
  if (f.channel === 'webhook')
    data.webhook = { url: f.webhookUrl, timeoutSeconds: f.webhookTimeoutSeconds };
  else if (loaded?.webhook) data.webhook = null;
  if (f.channel === 'inapp') {
    data.inapp = {
      startsAt: f.inappStartsAt ? new Date(f.inappStartsAt).toISOString() : null,
      endsAt: f.inappEndsAt ? new Date(f.inappEndsAt).toISOString() : null,
      priority: f.inappPriority,
      maxShows: f.inappMaxShows,
      periodHours: f.inappPeriodHours,
    };
    // Send-time rules do not apply to a message shown while the visitor is there.
    data.localTime = null;
    data.quietHours = null;
    data.frequencyCap = null;
    if (loaded?.intelligentTiming !== undefined || f.intelligentTiming) data.intelligentTiming = false;
  } else if (loaded?.inapp) data.inapp = null;
  if (f.intelligentTiming || loaded?.intelligentTiming !== undefined) {
    data.intelligentTiming = f.intelligentTiming;
  }
  if (f.scheduleType === 'triggered') {
    data.trigger =
      f.triggerKind === 'segmentEntry'
        ? { segmentEntry: f.triggerSegment }
        : { event: f.triggerEvent, where: parseWhere(f.triggerWhere, 'trigger.where') };
    data.triggerDelayMinutes = f.triggerDelayMinutes;
    data.reentry =
      f.reentry === 'cooldown' ? { policy: 'cooldown', days: f.reentryDays } : { policy: 'once' };
    data.exitEvent = f.exitOn
      ? { event: f.exitEvent, where: parseWhere(f.exitWhere, 'exitEvent.where') }
      : null;
    if (f.channel === 'inapp') {
      // Shown on the next page view after the trigger, capped by the in-app options.
      data.triggerDelayMinutes = 0;
      data.reentry = null;
      data.exitEvent = null;
    }
  } else {
    for (const key of ['trigger', 'triggerDelayMinutes', 'reentry', 'exitEvent'] as const) {
      if (loaded?.[key] !== undefined && loaded[key] !== null) data[key] = null;
    }
  }
  return errors.length ? { errors } : { data };
}

/** One variant's request fields for the campaign's channel (the others are not sent). */
export function variantInput(
  channel: CampaignChannel,
  v: CampaignVariant
): CampaignInput['variants'][number] {
  if (channel === 'push') {
    return {
      name: v.name,
      weight: v.weight,
      title: v.title ?? '',
      body: v.body ?? '',
      icon: v.icon || null,
      image: v.image || null,
      url: v.url || null,
      // Kept whole: a campaign made through the API keeps its buttons when edited here.
      ...(v.actions?.length
        ? {
            actions: v.actions.map((a) => ({
              action: a.action,
              title: a.title,
              url: a.url || null,
            })),
          }
        : {}),
    };
  }
  if (channel === 'webhook') return { name: v.name, weight: v.weight, body: v.body ?? '' };
  if (channel === 'inapp') {
    return {
      name: v.name,
      weight: v.weight,
      layout: v.layout ?? 'modal',
      title: v.title ?? '',
      body: v.body || null,
      image: v.image ? { url: v.image, alt: v.imageAlt ?? '' } : null,
      buttons: (v.buttons ?? []).map((b) => ({
        label: b.label,
        url: b.url || null,
        event: b.event || null,
      })),
      theme: v.theme ?? 'light',
      accent: v.accent || null,
    };
  }
  return {
    name: v.name,
    weight: v.weight,
    subject: v.subject,
    html: v.html,
    preheader: v.preheader || null,
    text: v.text || null,
  };
}
