import fc from 'fast-check';
import {
  CUSTOM_FIELD_UID,
  KINDS,
  allValues,
  asStored,
  fieldOptions,
  findSites,
  personalisedQueryPaths,
  reachesPersonalised,
  resolve,
  segmentKeysOf,
  valueProblems,
  type FieldOptions,
  type Kind,
  type ModelLike,
} from '../../../server/src/field-variants';

const opts = (kind: Kind, experiments = false): FieldOptions => ({ kind, experiments });
const field = (kind: Kind, experiments = false) => ({
  type: 'json',
  customField: CUSTOM_FIELD_UID,
  options: { kind, experiments },
});

describe('field options', () => {
  it('reads the kind chosen in the Content-Type Builder; unknown or missing is short text', () => {
    expect(fieldOptions({ options: { kind: 'media' } })).toEqual({ kind: 'media', experiments: false });
    expect(fieldOptions({ options: { kind: 'nope', experiments: true } })).toEqual({ kind: 'string', experiments: true });
    expect(fieldOptions(undefined)).toEqual({ kind: 'string', experiments: false });
  });
});

describe('validation per kind', () => {
  const good: Record<Kind, unknown> = {
    string: 'Hello',
    text: 'line 1\nline 2',
    richtext: '# Title\n\n**bold**',
    number: 4.5,
    boolean: false,
    media: 12,
    json: { any: ['thing', 1] },
  };
  const bad: Record<Kind, unknown[]> = {
    string: [1, true, 'two\nlines', 'x'.repeat(256), {}],
    text: [1, false, ['a']],
    richtext: [3, { md: 'x' }],
    number: ['1', Number.NaN, Infinity, true],
    boolean: ['true', 0, 1],
    media: [0, -1, 1.5, '12', { id: 1 }],
    json: [],
  };

  it.each(KINDS.map((k) => [k]))('%s: accepts a default and variants of the kind', (kind) => {
    const value = { default: good[kind], variants: [{ segment: 'vip', value: good[kind] }] };
    expect(valueProblems(value, opts(kind))).toEqual([]);
    // An empty field and a null default are allowed (the field is simply empty for non-members).
    expect(valueProblems(null, opts(kind))).toEqual([]);
    expect(valueProblems({ default: null, variants: [] }, opts(kind))).toEqual([]);
  });

  it.each(KINDS.flatMap((k) => bad[k].map((v) => [k, v] as [Kind, unknown])))(
    '%s: refuses %p with the path of the row',
    (kind, value) => {
      const problems = valueProblems(
        { default: good[kind], variants: [{ segment: 'a', value: good[kind] }, { segment: 'b', value }] },
        opts(kind)
      );
      expect(problems.map((p) => p.path)).toEqual(['variants.1.value']);
      const onDefault = valueProblems({ default: value, variants: [] }, opts(kind));
      expect(onDefault.map((p) => p.path)).toEqual(['default']);
    }
  );

  it('refuses the wrong shape, unknown properties, bad or repeated segment keys and missing values', () => {
    expect(valueProblems('hello', opts('string'))).toEqual([{ path: '', message: expect.stringMatching(/object/) }]);
    expect(valueProblems({ default: 'x', variants: {} }, opts('string')).map((p) => p.path)).toEqual(['variants']);
    const problems = valueProblems(
      {
        default: 'x',
        extra: 1,
        variants: [
          { segment: 'vip', value: 'a' },
          { segment: 'vip', value: 'b' },
          { segment: 'Bad Key', value: 'c' },
          { segment: 'ok' },
          { segment: 'ok2', value: 'd', colour: 'red' },
          'nope',
        ],
      },
      opts('string')
    );
    expect(problems.map((p) => p.path)).toEqual([
      'extra',
      'variants.1.segment',
      'variants.2.segment',
      'variants.3.value',
      'variants.4.colour',
      'variants.5',
    ]);
  });

  it('accepts split variants only when the field allows experiments, and checks them', () => {
    const split = {
      default: 'x',
      variants: [{ segment: 'vip', experiment: 'vip-copy', split: [{ value: 'a', weight: 0.5 }, { value: 'b', weight: 0.5 }] }],
    };
    expect(valueProblems(split, opts('string', true))).toEqual([]);
    expect(valueProblems(split, opts('string', false)).map((p) => p.path)).toEqual(['variants.0.split']);
    const wrong = {
      default: 'x',
      variants: [
        { segment: 'a', experiment: 'Bad Key', split: [{ value: 'a', weight: 0.5 }, { value: 'b', weight: 0.5 }] },
        { segment: 'b', experiment: 'k', split: [{ value: 'a', weight: 0.7 }, { value: 'b', weight: 0.7 }] },
        { segment: 'c', experiment: 'k', split: [{ value: 1, weight: 0.5 }, { value: 'b', weight: 2 }] },
        { segment: 'd', experiment: 'k2', split: [{ value: 'a', weight: 1 }] },
      ],
    };
    expect(valueProblems(wrong, opts('string', true)).map((p) => p.path)).toEqual([
      'variants.0.experiment',
      'variants.1.split',
      'variants.2.experiment',
      'variants.2.split.0.value',
      'variants.2.split.1.weight',
      'variants.3.split',
    ]);
  });

  it('lists the segment keys and every possible value (for the write checks)', () => {
    const stored = asStored({
      default: 1,
      variants: [
        { segment: 'a', value: 2 },
        { segment: 'b', experiment: 'e', split: [{ value: 3, weight: 0.5 }, { value: 4, weight: 0.5 }] },
      ],
    })!;
    expect(segmentKeysOf(stored)).toEqual(['a', 'b']);
    expect(allValues(stored)).toEqual([1, 2, 3, 4]);
  });
});

describe('resolution', () => {
  const stored = {
    default: 'everyone',
    variants: [
      { segment: 'vip', value: 'vip copy' },
      { segment: 'beta', value: 'beta copy' },
      { segment: 'trial', experiment: 'trial-copy', split: [{ value: 't0', weight: 0.5 }, { value: 't1', weight: 0.5 }] },
    ],
  };

  it('gives the first matching variant in order, else the default', () => {
    expect(resolve(stored, new Set())).toEqual({ kind: 'value', value: 'everyone', variant: null });
    expect(resolve(stored, new Set(['beta']))).toEqual({ kind: 'value', value: 'beta copy', variant: 1 });
    expect(resolve(stored, new Set(['beta', 'vip']))).toEqual({ kind: 'value', value: 'vip copy', variant: 0 });
    expect(resolve(stored, new Set(['other']))).toMatchObject({ value: 'everyone' });
  });

  it('hands an experiment variant to the caller to bucket', () => {
    expect(resolve(stored, new Set(['trial']))).toEqual({
      kind: 'experiment',
      variant: 2,
      experiment: 'trial-copy',
      split: stored.variants[2].split,
    });
  });

  it('reads JSON text as stored by some drivers, and treats garbage or empty as null', () => {
    expect(resolve(JSON.stringify(stored), new Set(['vip']))).toMatchObject({ value: 'vip copy' });
    expect(resolve(null, new Set(['vip']))).toMatchObject({ value: null });
    expect(resolve('{not json', new Set())).toMatchObject({ value: null });
    expect(resolve({ variants: [{ segment: 'vip', value: false }] }, new Set(['vip']))).toMatchObject({ value: false });
  });

  it('property: the result is the default or a value of a variant whose segment the visitor is in', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(
        fc.array(fc.record({ segment: key, value: fc.integer() }), { maxLength: 6 }),
        fc.integer(),
        fc.uniqueArray(key),
        (variants, def, keys) => {
          const result = resolve({ default: def, variants }, new Set(keys));
          const first = variants.find((v) => keys.includes(v.segment));
          expect(result).toEqual({
            kind: 'value',
            value: first ? first.value : def,
            variant: first ? variants.indexOf(first) : null,
          });
        }
      )
    );
  });
});

describe('sites in a content tree', () => {
  const models: Record<string, ModelLike> = {
    'api::page.page': {
      uid: 'api::page.page',
      attributes: {
        title: { type: 'string' },
        headline: field('string'),
        cta: { type: 'component', component: 'demo.cta' },
        sections: { type: 'dynamiczone', components: ['demo.cta', 'demo.plain'] },
        articles: { type: 'relation', target: 'api::article.article' },
      },
    },
    'api::article.article': {
      uid: 'api::article.article',
      attributes: { tagline: field('text'), related: { type: 'relation', target: 'api::article.article' } },
    },
    'api::plain.plain': {
      uid: 'api::plain.plain',
      attributes: { title: { type: 'string' }, tags: { type: 'component', component: 'demo.plain' } },
    },
    'demo.cta': { uid: 'demo.cta', attributes: { label: field('string'), image: field('media') } },
    'demo.plain': { uid: 'demo.plain', attributes: { heading: { type: 'string' } } },
  };
  const getModel = (uid: string) => models[uid];

  it('knows which models reach a personalised field', () => {
    expect(reachesPersonalised(models['api::page.page'], getModel)).toBe(true);
    expect(reachesPersonalised(models['api::plain.plain'], getModel)).toBe(false);
    expect(reachesPersonalised(models['demo.cta'], getModel)).toBe(true);
  });

  it('finds fields on the entry, in components, dynamic zones and populated relations', () => {
    const article = { tagline: 't', related: [] as unknown[] };
    article.related.push(article); // a populated self relation repeats an object
    const entry = {
      title: 'x',
      headline: 'h',
      cta: { label: 'l', image: 'i' },
      sections: [{ __component: 'demo.plain', heading: 'p' }, { __component: 'demo.cta', label: 'l2' }],
      articles: [article],
    };
    const sites = findSites([entry], models['api::page.page'], getModel);
    expect(sites.map((s) => [s.path, s.options.kind])).toEqual([
      ['0.headline', 'string'],
      ['0.cta.label', 'string'],
      ['0.cta.image', 'media'],
      ['0.sections.1.label', 'string'],
      ['0.articles.0.tagline', 'text'],
    ]);
    expect(findSites(entry, models['api::page.page'], getModel, { throughRelations: false }).map((s) => s.path)).toEqual([
      'headline',
      'cta.label',
      'cta.image',
      'sections.1.label',
    ]);
  });
});

describe('query parameters that would probe variants', () => {
  const models: Record<string, ModelLike> = {
    'api::page.page': {
      uid: 'api::page.page',
      attributes: {
        title: { type: 'string' },
        headline: field('string'),
        cta: { type: 'component', component: 'demo.cta' },
        sections: { type: 'dynamiczone', components: ['demo.cta'] },
        articles: { type: 'relation', target: 'api::article.article' },
      },
    },
    'api::article.article': { uid: 'api::article.article', attributes: { title: { type: 'string' }, tagline: field('text') } },
    'demo.cta': { uid: 'demo.cta', attributes: { label: field('string'), note: { type: 'string' } } },
  };
  const getModel = (uid: string) => models[uid];
  const paths = (params: Record<string, unknown>) => personalisedQueryPaths(params, models['api::page.page'], getModel);

  it('finds personalised fields in filters, sort and populate options, at any depth', () => {
    expect(paths({ filters: { title: { $eq: 'x' }, cta: { note: { $eq: 'y' } } }, sort: ['title:asc'], populate: '*' })).toEqual([]);
    expect(paths({ filters: { headline: { $eq: 'x' } } })).toEqual(['filters.headline']);
    expect(paths({ filters: { $and: [{ title: 'x' }, { $or: [{ cta: { label: { $contains: 'v' } } }] }] } })).toEqual([
      'filters.$and.1.$or.0.cta.label',
    ]);
    expect(paths({ filters: { articles: { tagline: { $null: false } } } })).toEqual(['filters.articles.tagline']);
    expect(paths({ sort: 'title:asc,headline:desc' })).toEqual(['sort']);
    expect(paths({ sort: [{ articles: { tagline: 'asc' } }] })).toEqual(['sort.0.articles.tagline']);
    expect(paths({ sort: ['articles.tagline:asc'] })).toEqual(['sort.0']);
    expect(paths({ populate: { articles: { filters: { tagline: { $eq: 'v' } } } } })).toEqual(['populate.articles.filters.tagline']);
    expect(paths({ populate: { sections: { on: { 'demo.cta': { sort: 'label' } } } } })).toEqual(['populate.sections.on.demo.cta.sort']);
  });
});
