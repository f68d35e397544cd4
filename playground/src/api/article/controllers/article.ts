import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::article.article', ({ strapi }) => ({
  /**
   * A site's own action that lists inside a database transaction (what a shop does when it reads
   * and writes together). The plugin's targeting runs inside it and must use that transaction:
   * on SQLite a query on another connection would wait for the lock this one holds.
   */
  async findInTransaction(ctx) {
    const data = await strapi.db.transaction(async () => {
      const rows = await strapi.documents('api::article.article').findMany({ filters: ctx.query.filters } as never);
      const total = await strapi.documents('api::article.article').count({ filters: ctx.query.filters } as never);
      return { rows, total };
    });
    ctx.body = { data: data.rows, meta: { total: data.total } };
  },
}));
