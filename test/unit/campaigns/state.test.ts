import { CAMPAIGN_STATES, canTransition, isEditable, transitionError } from '../../../server/src/campaigns/state';

describe('campaign state machine', () => {
  it('lets an editor schedule, pause, resume and cancel', () => {
    expect(canTransition('draft', 'scheduled', 'editor')).toBe(true);
    expect(canTransition('scheduled', 'paused', 'editor')).toBe(true);
    expect(canTransition('sending', 'paused', 'editor')).toBe(true);
    expect(canTransition('paused', 'sending', 'editor')).toBe(true);
    expect(canTransition('paused', 'scheduled', 'editor')).toBe(true);
    expect(canTransition('sending', 'cancelled', 'editor')).toBe(true);
  });

  it('keeps starting and finishing a send to the system', () => {
    expect(canTransition('scheduled', 'sending', 'editor')).toBe(false);
    expect(canTransition('scheduled', 'sending', 'system')).toBe(true);
    expect(canTransition('sending', 'sent', 'editor')).toBe(false);
    expect(canTransition('sending', 'sent', 'system')).toBe(true);
    expect(canTransition('sending', 'scheduled', 'system')).toBe(true);
    expect(canTransition('draft', 'sending', 'system')).toBe(false);
  });

  it('has final states that nobody leaves', () => {
    for (const to of CAMPAIGN_STATES) {
      if (to === 'sent' || to === 'cancelled') continue;
      for (const actor of ['editor', 'system'] as const) {
        expect(canTransition('sent', to, actor)).toBe(false);
        expect(canTransition('cancelled', to, actor)).toBe(false);
      }
    }
    expect(transitionError('sent', 'draft', 'editor')).toMatch(/sent is final/);
  });

  it('names the allowed moves in its error', () => {
    expect(transitionError('draft', 'sent', 'editor')).toBe('cannot go from draft to sent (allowed: scheduled, cancelled)');
    expect(transitionError('draft', 'draft', 'editor')).toBeNull();
  });

  it('freezes content once sending', () => {
    expect(CAMPAIGN_STATES.filter(isEditable)).toEqual(['draft', 'scheduled', 'paused']);
  });
});
