import type {
  CampaignChannel,
  CampaignVariant,
  FieldError,
  RenderDraftRequest,
} from '../api/contracts';
import { variantInput } from './campaignForm';

/** The live preview's request for the composer's current state (unsaved edits included). */
export function renderDraftRequest(
  variant: CampaignVariant,
  name: string,
  documentId: string | null,
  profileId: number | null,
  channel: CampaignChannel = 'email',
  webhookUrl: string | null = null
): RenderDraftRequest {
  const { weight: _weight, ...fields } = variantInput(channel, variant);
  return {
    ...(channel !== 'email' ? { channel } : {}),
    ...(channel === 'webhook' ? { webhookUrl } : {}),
    variant: fields,
    name,
    ...(documentId ? { documentId } : {}),
    ...(profileId !== null ? { profileId } : {}),
  };
}

/**
 * The preview's template errors (`variant.html`, …) as the composer's field paths
 * (`variants.1.html`), so the faulty editor shows them too. Other errors stay with the preview.
 */
export function variantFieldErrors(errors: FieldError[], variantIndex: number): FieldError[] {
  return errors
    .filter((e) =>
      /^variant\.(subject|preheader|html|text|title|body|icon|image|url|layout|theme|accent|image\.(url|alt)|buttons\.\d+\.(label|url|event))$/.test(
        e.path
      )
    )
    .map((e) => ({
      path: `variants.${variantIndex}.${e.path.slice('variant.'.length)}`,
      message: e.message,
    }));
}

/**
 * Hands out request numbers and tells whether a response is still the latest one: a slow
 * answer to an older edit must not replace the preview of a newer one.
 */
export function latestOnly() {
  let last = 0;
  return {
    next: () => ++last,
    isLatest: (id: number) => id === last,
  };
}
