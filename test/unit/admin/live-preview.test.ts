import {
  latestOnly,
  renderDraftRequest,
  variantFieldErrors,
} from '../../../admin/src/utils/livePreview';
import { checkDraftRender } from '../../../server/src/campaigns/draft-render';

const variant = { name: 'B', weight: 3, subject: 'Hi {{ traits.x }}', preheader: '', html: '<p>x</p>', text: '' };

describe('live preview (admin helpers)', () => {
  it('builds the request the server accepts, empty optional templates as null', () => {
    const body = renderDraftRequest(variant, 'Spring', 'doc1', 7);
    expect(body).toEqual({
      variant: { name: 'B', subject: 'Hi {{ traits.x }}', preheader: null, html: '<p>x</p>', text: null },
      name: 'Spring',
      documentId: 'doc1',
      profileId: 7,
    });
    expect(checkDraftRender(body).ok).toBe(true);
  });

  it('leaves out the campaign and profile before there are any', () => {
    const body = renderDraftRequest({ ...variant, preheader: 'Pre', text: 'Text' }, '', null, null);
    expect(body).toEqual({
      variant: { name: 'B', subject: 'Hi {{ traits.x }}', preheader: 'Pre', html: '<p>x</p>', text: 'Text' },
      name: '',
    });
    expect(checkDraftRender(body).ok).toBe(true);
  });

  it('maps template errors onto the composer variant fields and leaves others out', () => {
    expect(
      variantFieldErrors(
        [
          { path: 'variant.html', message: 'Liquid: a' },
          { path: 'variant.text', message: 'Liquid: b' },
          { path: 'profileId', message: 'no such profile' },
          { path: 'variant.name', message: 'too long' },
        ],
        2
      )
    ).toEqual([
      { path: 'variants.2.html', message: 'Liquid: a' },
      { path: 'variants.2.text', message: 'Liquid: b' },
    ]);
  });

  it('keeps only the latest request (answers out of order are dropped)', () => {
    const latest = latestOnly();
    const first = latest.next();
    const second = latest.next();
    expect(latest.isLatest(first)).toBe(false);
    expect(latest.isLatest(second)).toBe(true);
    const third = latest.next();
    expect([first, second, third].map(latest.isLatest)).toEqual([false, false, true]);
  });
});
