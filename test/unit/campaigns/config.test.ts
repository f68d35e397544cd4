import { parsePluginConfig } from '../../../server/src/config';

describe('campaign configuration', () => {
  it('has safe defaults: no transport, derived tracking secret, every-minute planner', () => {
    const config = parsePluginConfig({});
    expect(config.email).toEqual({ transport: null, from: 'no-reply@localhost', maxConnections: 5, rateLimitPerSecond: 20 });
    expect(config.tracking).toEqual({});
    expect(config.campaigns).toMatchObject({ plannerCron: '* * * * *', batchSize: 50, claimTtlSeconds: 120, frequencyCap: null, requireConsent: false });
  });

  it('names bad campaign settings', () => {
    expect(() => parsePluginConfig({ campaigns: { plannerCron: 'every minute' } })).toThrow(
      /segments\.config\.campaigns\.plannerCron: not a valid cron expression/
    );
    expect(() => parsePluginConfig({ tracking: { secret: 'short' } })).toThrow(/segments\.config\.tracking\.secret/);
    expect(() => parsePluginConfig({ campaigns: { frequencyCap: { max: 0, periodHours: 24 } } })).toThrow(
      /segments\.config\.campaigns\.frequencyCap\.max/
    );
    expect(() => parsePluginConfig({ email: { transprt: {} } })).toThrow(/transprt/);
  });
});
