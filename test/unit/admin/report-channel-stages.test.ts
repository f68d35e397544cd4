import {
  engagementRate,
  funnelStagesFor,
  stageRename,
  stagesFor,
} from '../../../admin/src/campaigns/report/channelStages';

describe('campaign report stages per channel', () => {
  it('e-mail shows every stage, with opens, clicks and unsubscribes', () => {
    expect(stagesFor('email')).toEqual([
      'queued',
      'sent',
      'failed',
      'skipped',
      'opened',
      'clicked',
      'converted',
      'unsubscribed',
    ]);
    expect(stagesFor(undefined)).toEqual(stagesFor('email'));
    expect(funnelStagesFor('email')).toEqual(['queued', 'sent', 'opened', 'clicked', 'converted']);
    expect(engagementRate('email')).toBe('open');
    expect(stageRename('opened', 'email')).toBeNull();
    expect(stageRename('sent', 'email')).toBeNull();
  });

  it('push calls an open "displayed" and a send "delivered", and has no unsubscribe link', () => {
    expect(stagesFor('push')).not.toContain('unsubscribed');
    expect(stageRename('opened', 'push')).toBe('displayed');
    expect(stageRename('sent', 'push')).toBe('delivered');
    expect(stageRename('clicked', 'push')).toBeNull();
    expect(engagementRate('push')).toBe('display');
  });

  it('a webhook reports only what the receiver accepted, and conversions', () => {
    expect(stagesFor('webhook')).toEqual(['queued', 'sent', 'failed', 'skipped', 'converted']);
    expect(funnelStagesFor('webhook')).toEqual(['queued', 'sent', 'converted']);
    expect(engagementRate('webhook')).toBeNull();
    expect(stageRename('sent', 'webhook')).toBe('delivered');
  });
});
