import { checkDraftRender, DRAFT_LIMITS } from '../../../server/src/campaigns/draft-render';
import {
  renderEmail,
  TemplateFieldError,
  type RenderData,
} from '../../../server/src/campaigns/render';

const paths = (body: unknown) => {
  const r = checkDraftRender(body);
  return r.ok ? [] : r.errors.map((e) => e.path);
};

describe('live preview request (checkDraftRender)', () => {
  it('accepts the composer variant as is (weight ignored, empty body while typing)', () => {
    const r = checkDraftRender({
      variant: { name: ' B ', weight: 2, subject: '', preheader: '', html: '', text: '' },
      name: ' Spring ',
      documentId: 'abc123',
      profileId: 7,
    });
    expect(r).toEqual({
      ok: true,
      value: {
        channel: 'email',
        variant: { name: 'B', subject: '', preheader: '', html: '', text: '' },
        name: 'Spring',
        documentId: 'abc123',
        profileId: 7,
      },
    });
  });

  it('defaults name, documentId and profile when absent', () => {
    const r = checkDraftRender({ variant: { subject: 's', html: '<p>h</p>' } });
    expect(r.ok && r.value).toEqual({
      channel: 'email',
      variant: { name: '', subject: 's', preheader: null, html: '<p>h</p>', text: null },
      name: '',
      documentId: null,
      profileId: null,
    });
  });

  it.each<[string, unknown, string[]]>([
    ['no body', undefined, ['variant']],
    ['a non-object', [1], ['(root)']],
    ['subject missing', { variant: { html: '' } }, ['variant.subject']],
    ['subject not a string', { variant: { subject: 1, html: '' } }, ['variant.subject']],
    [
      'subject too long',
      { variant: { subject: 'x'.repeat(DRAFT_LIMITS.subject + 1), html: '' } },
      ['variant.subject'],
    ],
    [
      'body too long',
      { variant: { subject: '', html: 'x'.repeat(DRAFT_LIMITS.html + 1) } },
      ['variant.html'],
    ],
    [
      'unknown variant fields',
      { variant: { subject: '', html: '', foo: 1, bar: 2 } },
      ['variant.foo', 'variant.bar'],
    ],
    [
      'unknown top-level field',
      { variant: { subject: '', html: '' }, campaign: 'x' },
      ['campaign'],
    ],
    ['profile id 0', { variant: { subject: '', html: '' }, profileId: 0 }, ['profileId']],
    ['profile id as text', { variant: { subject: '', html: '' }, profileId: '7' }, ['profileId']],
    ['profile id fraction', { variant: { subject: '', html: '' }, profileId: 1.5 }, ['profileId']],
    ['bad document id', { variant: { subject: '', html: '' }, documentId: '../x' }, ['documentId']],
    [
      'broken Liquid in subject and text',
      { variant: { subject: '{{ x', html: 'ok', text: '{% if %}' } },
      ['variant.subject', 'variant.text'],
    ],
    [
      'broken Liquid in the preheader',
      { variant: { subject: '', html: '', preheader: '{% endif %}' } },
      ['variant.preheader'],
    ],
  ])('%s → names %j', (_label, body, expected) => {
    expect(paths(body)).toEqual(expected);
  });

  it('reports Liquid syntax errors with the engine message', () => {
    const r = checkDraftRender({ variant: { subject: 'ok', html: '<p>{% if %}</p>' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/^Liquid: .+/);
  });
});

describe('renderer: field-named failures and no file access', () => {
  const data: RenderData = {
    traits: {},
    user: null,
    campaign: { id: '', name: 'x', variant: 'A' },
    profile: { id: 0, email: null },
    unsubscribe_url: 'https://t.example/u/preview',
  };
  const failure = (variant: Parameters<typeof renderEmail>[0]) => {
    try {
      renderEmail(variant, data, null);
    } catch (error) {
      return error;
    }
    return null;
  };

  it('names the field whose template fails at render time', () => {
    const huge = '{% for i in (1..100000000) %}x{% endfor %}';
    const html = failure({ name: 'A', subject: 'ok', html: huge });
    expect(html).toBeInstanceOf(TemplateFieldError);
    expect((html as TemplateFieldError).field).toBe('html');
    expect((html as TemplateFieldError).detail).toMatch(/memory/);
    expect((failure({ name: 'A', subject: huge, html: 'ok' }) as TemplateFieldError).field).toBe(
      'subject'
    );
    expect(
      (failure({ name: 'A', subject: 's', html: 'ok', text: huge }) as TemplateFieldError).field
    ).toBe('text');
    expect(
      (
        failure({
          name: 'A',
          subject: 's',
          html: '<body>ok</body>',
          preheader: huge,
        }) as TemplateFieldError
      ).field
    ).toBe('preheader');
  });

  it('never reads server files through include or render', () => {
    for (const tag of ['{% include "package.json" %}', '{% render "package.json" %}']) {
      const error = failure({ name: 'A', subject: 's', html: `<p>${tag}</p>` });
      expect(error).toBeInstanceOf(TemplateFieldError);
      expect((error as TemplateFieldError).field).toBe('html');
    }
  });

  it('checks push and webhook drafts against their own shapes', () => {
    const push = checkDraftRender({
      channel: 'push',
      variant: { name: 'A', title: '', body: 'Hi {{ traits.name }}', url: null },
    });
    expect(push.ok && push.value).toMatchObject({
      channel: 'push',
      variant: { name: 'A', title: '', body: 'Hi {{ traits.name }}' },
    });
    const badPush = checkDraftRender({
      channel: 'push',
      variant: { title: '{% if %}', body: 'x' },
    });
    expect(!badPush.ok && badPush.errors.map((e) => e.path)).toEqual(['variant.title']);
    const wrongShape = checkDraftRender({ channel: 'push', variant: { subject: 's', html: 'h' } });
    expect(!wrongShape.ok && wrongShape.errors.map((e) => e.path)).toEqual(['variant']);
    const hook = checkDraftRender({
      channel: 'webhook',
      webhookUrl: 'https://crm.example/h',
      variant: { name: 'A', body: '{"a":1}' },
    });
    expect(hook.ok && hook.value).toMatchObject({
      channel: 'webhook',
      webhookUrl: 'https://crm.example/h',
      variant: { body: '{"a":1}' },
    });
  });
});
