export default {
  type: 'content-api',
  routes: [
    {
      method: 'GET',
      path: '/me',
      handler: 'visitor.me',
      config: { description: 'The current visitor: identity and profile id.' },
    },
  ],
};
