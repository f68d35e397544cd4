import { parsePluginConfig } from '../../server/src/config';

describe('plugin configuration', () => {
  it('fills every default from an empty config', () => {
    const config = parsePluginConfig({});
    expect(config.identity.anonymousIdHeader).toBe('x-segments-anonymous-id');
    expect(config.identity.cookie).toEqual({
      enabled: false,
      name: 'segments_aid',
      maxAgeDays: 365,
      setCookie: true,
    });
    expect(config.retention).toEqual({ rawEventsDays: 90, rollupDays: 730, scheduledPurge: true });
    expect(config.identify).toEqual({ userFields: ['email', 'username'] });
    expect(config.grantStorefrontPermissions).toBe(true);
  });

  it('refuses secrets in the users-permissions allow-list', () => {
    expect(() => parsePluginConfig({ identify: { userFields: ['email', 'password'] } })).toThrow(
      /segments\.config\.identify\.userFields\.1: passwords, tokens and secrets/,
    );
  });

  it('names every offending field', () => {
    expect(() =>
      parsePluginConfig({ retention: { rawEventsDays: 0 }, identity: { cookie: { name: 'a b' } } }),
    ).toThrow(
      /segments\.config\.identity\.cookie\.name[\s\S]*segments\.config\.retention\.rawEventsDays|segments\.config\.retention\.rawEventsDays[\s\S]*segments\.config\.identity\.cookie\.name/,
    );
  });

  it('takes an IANA reporting time zone (UTC by default) and refuses an unknown one', () => {
    expect(parsePluginConfig({}).analytics.timeZone).toBe('UTC');
    expect(parsePluginConfig({ analytics: { timeZone: 'Asia/Kolkata' } }).analytics.timeZone).toBe('Asia/Kolkata');
    expect(() => parsePluginConfig({ analytics: { timeZone: 'Mars/Olympus' } })).toThrow(
      /segments\.config\.analytics\.timeZone: must be an IANA time zone/,
    );
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(() => parsePluginConfig({ retension: {} })).toThrow(/retension/);
  });
});

describe('targeting cache configuration (issue 21.4)', () => {
  it('defaults to 5000 entries of at most 1000 ids for 60 s', () => {
    expect(parsePluginConfig({}).targeting).toEqual({ cacheMaxEntries: 5000, cacheTtlSeconds: 60, maxHiddenIds: 1000 });
  });

  it('takes other bounds and refuses a bad one by name', () => {
    expect(parsePluginConfig({ targeting: { cacheMaxEntries: 20, maxHiddenIds: 50 } }).targeting).toMatchObject({
      cacheMaxEntries: 20,
      maxHiddenIds: 50,
    });
    expect(() => parsePluginConfig({ targeting: { cacheMaxEntries: 0 } })).toThrow(/segments\.config\.targeting\.cacheMaxEntries/);
    expect(() => parsePluginConfig({ targeting: { maxHiddenIds: 1.5 } })).toThrow(/segments\.config\.targeting\.maxHiddenIds/);
    expect(() => parsePluginConfig({ targeting: { cacheTtlSeconds: 0 } })).toThrow(/segments\.config\.targeting\.cacheTtlSeconds/);
    expect(() => parsePluginConfig({ targeting: { cacheEntries: 10 } })).toThrow(/segments\.config\.targeting/);
  });
});
