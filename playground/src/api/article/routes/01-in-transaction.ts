/** The site-owned action of controllers/article.ts (content API, permission `findInTransaction`). */
export default {
  routes: [
    {
      method: 'GET',
      path: '/articles-in-transaction',
      handler: 'article.findInTransaction',
    },
  ],
};
