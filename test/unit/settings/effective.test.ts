import { MASK, maskSecrets, schedulerJobs } from '../../../server/src/settings/effective';

describe('maskSecrets', () => {
  it('masks credentials at any depth and in URLs, keeps everything else', () => {
    const input = {
      email: {
        transport: { host: 'smtp.example', port: 587, auth: { user: 'mailer', pass: 'p4ss' }, url: 'smtps://u:p4ss@smtp.example:465' },
        from: 'a@b.c',
      },
      tracking: { secret: 'x'.repeat(40), baseUrl: 'https://shop.example' },
      oauth: { accessToken: 'tok', refreshToken: 'tok2', clientSecret: 'cs', privateKey: 'pk', apiKey: 'k' },
      scheduler: { enabled: true, leaseTtlSeconds: 60 },
      list: [{ password: 'p' }],
    };
    const out = maskSecrets(input) as typeof input;
    expect(out.email.transport).toEqual({
      host: 'smtp.example',
      port: 587,
      auth: { user: 'mailer', pass: MASK },
      url: `smtps://u:${MASK}@smtp.example:465`,
    });
    expect(out.tracking).toEqual({ secret: MASK, baseUrl: 'https://shop.example' });
    expect(Object.values(out.oauth)).toEqual([MASK, MASK, MASK, MASK, MASK]);
    expect(out.scheduler).toEqual({ enabled: true, leaseTtlSeconds: 60 });
    expect(out.list).toEqual([{ password: MASK }]);
    expect(JSON.stringify(out)).not.toMatch(/p4ss|tok|xxxx/);
    // The input is not modified.
    expect(input.email.transport.auth.pass).toBe('p4ss');
  });

  it('leaves unset secrets unset (so the page can say "not set")', () => {
    expect(maskSecrets({ tracking: { secret: undefined }, auth: { pass: null } })).toEqual({
      tracking: { secret: undefined },
      auth: { pass: null },
    });
  });
});

describe('schedulerJobs', () => {
  const now = 1_800_000_000_000;
  it('reads node-cron fire leases and job leases: latest per job, holder, active', () => {
    const rows = [
      { name: 'cron:segments:campaign-planner:2027-01-15T08:00:00.000Z', owner: 'a:1', acquired_at: String(now - 120_000), renewed_at: now - 120_000, expires_at: now - 60_000 },
      { name: 'cron:segments:campaign-planner:2027-01-15T08:01:00.000Z', owner: 'b:2', acquired_at: now - 60_000, renewed_at: now - 60_000, expires_at: now + 1000 },
      { name: 'job:segments-recompute', owner: 'a:1', acquired_at: now - 5000, renewed_at: now - 1000, expires_at: now + 55_000 },
      { name: 'something-else', owner: 'c', acquired_at: now - 10, renewed_at: now - 10, expires_at: now - 1 },
    ];
    expect(schedulerJobs(rows, now)).toEqual([
      { job: 'something-else', kind: 'job', owner: 'c', lastTickAt: now - 10, expiresAt: now - 1, active: false },
      { job: 'segments-recompute', kind: 'job', owner: 'a:1', lastTickAt: now - 5000, expiresAt: now + 55_000, active: true },
      { job: 'campaign-planner', kind: 'cron', owner: 'b:2', lastTickAt: now - 60_000, expiresAt: now + 1000, active: true },
    ]);
  });
});
