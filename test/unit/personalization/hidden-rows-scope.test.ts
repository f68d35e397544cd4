import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import {
  registerHiddenRowsLifecycles,
  withHiddenRows,
  type HiddenRowsState,
} from '../../../server/src/personalization/hidden-entries';

/**
 * The targeting list filter is added by database lifecycles to reads of the type a
 * document-service call is for, only while that call runs (`withHiddenRows` on the request's
 * state, which Strapi's request context carries).
 */
type Event = { model: { uid: string }; params: { where?: unknown } };
type Hook = (event: Event) => void;

const request: { state: HiddenRowsState } = { state: {} };
let current: typeof request | undefined;

function subscribed(): Record<string, Hook> {
  let subscriber: Record<string, Hook> | undefined;
  const strapi = {
    requestContext: { get: () => current },
    db: { lifecycles: { subscribe: (s: Record<string, Hook>) => (subscriber = s) } },
  };
  registerHiddenRowsLifecycles(strapi as unknown as Core.Strapi);
  if (!subscriber) throw new Error('no subscriber registered');
  return subscriber;
}

const hidden = { sql: '1, 2' } as unknown as Knex.Raw;
const event = (uid: string, where?: unknown): Event => ({ model: { uid }, params: { where } });
const ARTICLE = 'api::article.article';

describe('hidden-rows lifecycles', () => {
  const hooks = subscribed();
  beforeEach(() => {
    current = request;
  });

  it('subscribes to the three reads', () => {
    expect(Object.keys(hooks).sort()).toEqual(['beforeCount', 'beforeFindMany', 'beforeFindOne']);
  });

  it('adds id NOT IN (…) to the scoped type, keeping its own conditions', async () => {
    const bare = event(ARTICLE);
    const filtered = event(ARTICLE, { title: 'x' });
    const empty = event(ARTICLE, {});
    await withHiddenRows(request.state, ARTICLE, hidden, async () => {
      hooks.beforeFindMany(bare);
      hooks.beforeCount(filtered);
      hooks.beforeFindOne(empty);
    });
    expect(bare.params.where).toEqual({ id: { $notIn: hidden } });
    expect(filtered.params.where).toEqual({ $and: [{ title: 'x' }, { id: { $notIn: hidden } }] });
    expect(empty.params.where).toEqual({ id: { $notIn: hidden } });
  });

  it('leaves other types, reads after the call, and reads outside any request alone', async () => {
    const other = event('api::page.page', { title: 'x' });
    await withHiddenRows(request.state, ARTICLE, hidden, async () => hooks.beforeFindMany(other));
    const after = event(ARTICLE, { title: 'x' });
    hooks.beforeFindMany(after);
    current = undefined;
    const outside = event(ARTICLE);
    hooks.beforeFindMany(outside);
    expect(other.params.where).toEqual({ title: 'x' });
    expect(after.params.where).toEqual({ title: 'x' });
    expect(outside.params.where).toBeUndefined();
  });

  it('keeps the filter while any of two overlapping calls on the type runs, and even if one throws', async () => {
    let release!: () => void;
    const slow = withHiddenRows(request.state, ARTICLE, hidden, () => new Promise<void>((r) => (release = r)));
    await expect(
      withHiddenRows(request.state, ARTICLE, hidden, async () => {
        throw new Error('boom');
      })
    ).rejects.toThrow('boom');
    const during = event(ARTICLE);
    hooks.beforeCount(during);
    release();
    await slow;
    const after = event(ARTICLE);
    hooks.beforeCount(after);
    expect(during.params.where).toEqual({ id: { $notIn: hidden } });
    expect(after.params.where).toBeUndefined();
  });
});
