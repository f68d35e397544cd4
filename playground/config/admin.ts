export default ({ env }: { env: any }) => ({
  auth: { secret: env('ADMIN_JWT_SECRET', 'playground-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'playground-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'playground-transfer-token-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'playground-encryption-key-0123456789') },
  // Login attempts per 5 minutes per address and e-mail (Strapi's default is 5); the e2e run
  // logs its super admin in once per test file, more than 5 times.
  rateLimit: { max: env.int('ADMIN_LOGIN_RATE_MAX', 5) },
  flags: {
    nps: env.bool('FLAG_NPS', false),
    promoteEE: env.bool('FLAG_PROMOTE_EE', false),
  },
});
