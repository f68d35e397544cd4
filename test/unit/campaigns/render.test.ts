import { literalLinks, renderEmail, templateError, type RenderData } from '../../../server/src/campaigns/render';
import { afterFailure, backoffMs } from '../../../server/src/campaigns/outcome';

const data = (traits: Record<string, unknown> = {}): RenderData => ({
  traits,
  user: null,
  campaign: { id: 'c1', name: 'Spring', variant: 'A' },
  profile: { id: 1, email: 'a@example.com' },
  unsubscribe_url: 'https://t.example/u/TOKEN',
});

const tracking = {
  openPixelUrl: 'https://t.example/o/OPEN.gif',
  clickUrl: (url: string) => `https://t.example/c/${encodeURIComponent(url)}`,
};

describe('campaign rendering', () => {
  it('escapes traits in HTML but not in the subject', () => {
    const out = renderEmail(
      { name: 'A', subject: 'Hi {{ traits.name }}', html: '<p>Hi {{ traits.name }}</p>' },
      data({ name: '<b>Ann</b> & co' }),
      null
    );
    expect(out.subject).toBe('Hi <b>Ann</b> & co');
    expect(out.html).toContain('<p>Hi &lt;b&gt;Ann&lt;/b&gt; &amp; co</p>');
  });

  it('renders missing variables empty and lists them', () => {
    const out = renderEmail(
      { name: 'A', subject: '{{ traits.first_name }}, news', html: '<p>{{ traits.plan }} {{ user.username }} {{ campaign.name }}</p>', text: '{{ traits.city }}' },
      data({ plan: 'pro' }),
      null
    );
    expect(out.subject).toBe(', news');
    expect(out.missing).toEqual(['traits.city', 'traits.first_name', 'user.username']);
  });

  it('tracks literal links only, adds the pixel and a visible unsubscribe link', () => {
    const html = '<html><body><a href="https://shop.example/sale?a=1&amp;b=2">Sale</a> <a href="{{ traits.site }}">Yours</a> <a href="mailto:x@y">Mail</a></body></html>';
    expect([...literalLinks(html)]).toEqual(['https://shop.example/sale?a=1&amp;b=2']);
    const out = renderEmail({ name: 'A', subject: 's', html }, data({ site: 'https://evil.example/' }), tracking);
    expect(out.html).toContain(`href="https://t.example/c/${encodeURIComponent('https://shop.example/sale?a=1&b=2')}"`);
    expect(out.html).toContain('href="https://evil.example/"'); // not signed: a trait is not the template
    expect(out.html).toContain('href="mailto:x@y"');
    expect(out.html).toMatch(/<img src="https:\/\/t\.example\/o\/OPEN\.gif"[^>]*><\/body>/);
    expect(out.html).toContain('<a href="https://t.example/u/TOKEN">Unsubscribe</a>');
    expect(out.text).toContain('Unsubscribe: https://t.example/u/TOKEN');
  });

  it('does not add a second unsubscribe link when the template has one', () => {
    const out = renderEmail(
      { name: 'A', subject: 's', html: '<p><a href="{{ unsubscribe_url }}">Leave</a></p>', preheader: 'Pre {{ campaign.name }}' },
      data(),
      tracking
    );
    expect(out.html.match(/TOKEN/g)).toHaveLength(1);
    expect(out.html).toContain('Pre Spring');
  });

  it('reports Liquid syntax errors', () => {
    expect(templateError('{% if %}')).toMatch(/.+/);
    expect(templateError('{{ traits.a }}')).toBeNull();
    // Saving refuses tags that load other templates (the renderer never resolves them to files).
    for (const tag of ['{% include "x" %}', '{%- render "x" -%}', '{% layout "x" %}']) {
      expect(templateError(`<p>${tag}</p>`)).toMatch(/is not supported/);
    }
    expect(templateError('{{ "include" }}')).toBeNull();
  });
});

describe('send outcomes', () => {
  const policy = { maxAttempts: 3, baseMs: 1000, maxMs: 5000 };
  it('retries 4xx and timeouts with exponential backoff, fails 5xx', () => {
    expect(afterFailure({ responseCode: 421, response: '421 busy' }, 1, 0, policy)).toEqual({ kind: 'retry', error: '421 421 busy', nextAttemptAt: 1000 });
    expect(afterFailure({ code: 'ETIMEDOUT', message: 'timeout' }, 2, 0, policy)).toMatchObject({ kind: 'retry', nextAttemptAt: 2000 });
    expect(afterFailure({ responseCode: 550, response: '550 no such user' }, 1, 0, policy)).toMatchObject({ kind: 'failed' });
    expect(afterFailure({ responseCode: 451 }, 3, 0, policy)).toMatchObject({ kind: 'failed', error: expect.stringMatching(/gave up after 3/) });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
