import {
  applyTargetingFields,
  normalizePopulate,
  restrictPopulate,
  visibilityFilter,
  type ModelLike,
} from '../../../server/src/personalization/targeting';
import { stripInjectedTargeting } from '../../../admin/src/utils/targeting';

const article = (): ModelLike => ({
  uid: 'api::article.article',
  pluginOptions: { segments: { enabled: true } },
  attributes: {
    title: { type: 'string' },
    related: { type: 'relation', relation: 'manyToMany', target: 'api::article.article' },
  },
});
const page: ModelLike = {
  uid: 'api::page.page',
  attributes: {
    title: { type: 'string' },
    articles: { type: 'relation', relation: 'manyToMany', target: 'api::article.article' },
    cover: { type: 'media' },
    teaser: { type: 'component', component: 'demo.teaser' },
    sections: { type: 'dynamiczone', components: ['demo.teaser'] },
  },
};
const teaser: ModelLike = {
  uid: 'demo.teaser',
  attributes: { articles: { type: 'relation', relation: 'oneToMany', target: 'api::article.article' } },
};

describe('targeting fields', () => {
  it('adds a private relation and a priority to an enabled type', () => {
    const model = article();
    expect(applyTargetingFields(model)).toBe('added');
    expect(model.attributes.segmentsTargets).toMatchObject({ type: 'relation', target: 'plugin::segments.segment', private: true });
    expect(model.attributes.segmentsPriority).toMatchObject({ type: 'integer', default: 0 });
  });

  it('removes only the injected attributes when a type is disabled', () => {
    const model = article();
    applyTargetingFields(model);
    model.pluginOptions = { segments: { enabled: false } };
    expect(applyTargetingFields(model)).toBe('removed');
    expect(Object.keys(model.attributes)).toEqual(['title', 'related']);
    expect(applyTargetingFields(model)).toBe('none');
  });

  it('never overwrites an attribute of the same name the app defined', () => {
    const model = article();
    model.attributes.segmentsPriority = { type: 'string' };
    expect(applyTargetingFields(model)).toBe('conflict');
    expect(model.attributes.segmentsPriority).toEqual({ type: 'string' });
    expect(model.attributes).not.toHaveProperty('segmentsTargets');
  });

  it('leaves a type that never opted in alone', () => {
    const model = { ...page, attributes: { ...page.attributes } };
    expect(applyTargetingFields(model)).toBe('none');
    expect(model.attributes).toEqual(page.attributes);
  });
});

describe('visibility filter and populate restriction', () => {
  const models: Record<string, ModelLike> = { 'api::article.article': article(), 'api::page.page': page, 'demo.teaser': teaser };
  const getModel = (uid: string) => models[uid];
  const filter = visibilityFilter(['vip']);

  it('matches untargeted entries, or entries targeted at one of the keys', () => {
    expect(visibilityFilter([])).toEqual({ segmentsTargets: { id: { $null: true } } });
    expect(filter).toEqual({
      $or: [{ segmentsTargets: { id: { $null: true } } }, { segmentsTargets: { key: { $in: ['vip'] } } }],
    });
  });

  it('normalises every populate shape', () => {
    expect(normalizePopulate('*', page)).toEqual({ articles: true, cover: true, teaser: true, sections: true });
    expect(normalizePopulate('articles,cover', page)).toEqual({ articles: true, cover: true });
    expect(normalizePopulate(['articles.related', 'cover'], page)).toEqual({ articles: { populate: ['related'] }, cover: true });
  });

  it('filters relations into enabled types at any depth, and nothing else', () => {
    expect(restrictPopulate('*', page, getModel, filter)).toEqual({
      articles: { filters: filter },
      cover: true,
      teaser: true,
      sections: true,
    });
    expect(restrictPopulate({ articles: { filters: { title: 'x' }, populate: ['related'] } }, page, getModel, filter)).toEqual({
      articles: { filters: { $and: [{ title: 'x' }, filter] }, populate: { related: { filters: filter } } },
    });
    expect(restrictPopulate({ teaser: { populate: 'articles' } }, page, getModel, filter)).toEqual({
      teaser: { populate: { articles: { filters: filter } } },
    });
    expect(restrictPopulate({ sections: { on: { 'demo.teaser': { populate: ['articles'] } } } }, page, getModel, filter)).toEqual({
      sections: { on: { 'demo.teaser': { populate: { articles: { filters: filter } } } } },
    });
    expect(restrictPopulate({ sections: { populate: '*' } }, page, getModel, filter)).toEqual({
      sections: { on: { 'demo.teaser': { populate: { articles: { filters: filter } } } } },
    });
  });
});

describe('Content-Type Builder schema mutation', () => {
  it('drops the injected attributes before the CTB saves a schema (array and object forms)', () => {
    const injected = { pluginOptions: { segments: { injected: true } } };
    expect(
      stripInjectedTargeting({ attributes: [{ name: 'title' }, { name: 'segmentsTargets', ...injected }] }).attributes
    ).toEqual([{ name: 'title' }]);
    expect(
      stripInjectedTargeting({ attributes: { title: {}, segmentsPriority: { ...injected } } }).attributes
    ).toEqual({ title: {} });
  });
});
