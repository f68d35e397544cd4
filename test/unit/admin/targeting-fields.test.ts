import {
  hasTargeting,
  hideInjectedFields,
  relationDelta,
  selectedTargets,
} from '../../../admin/src/targeting/fields';

describe('targeting panel form helpers', () => {
  it('turns a selection into connect/disconnect against the saved links, and back', () => {
    const saved = ['a', 'b'];
    const delta = relationDelta(saved, ['b', 'c']);
    expect(delta).toEqual({
      connect: [{ documentId: 'c', apiData: { documentId: 'c' } }],
      disconnect: [{ documentId: 'a', apiData: { documentId: 'a' } }],
    });
    expect(selectedTargets(saved, delta)).toEqual(['b', 'c']);
    expect(selectedTargets(saved, undefined)).toEqual(['a', 'b']);
    expect(selectedTargets(saved, { connect: [], disconnect: [] })).toEqual(['a', 'b']);
    expect(relationDelta(saved, saved)).toEqual({ connect: [], disconnect: [] });
  });

  it('recognises types whose targeting relation the server injected', () => {
    expect(hasTargeting({ attributes: { segmentsTargets: { pluginOptions: { segments: { injected: true } } } } })).toBe(true);
    expect(hasTargeting({ attributes: { segmentsTargets: { type: 'relation' } } })).toBe(false);
    expect(hasTargeting(undefined)).toBe(false);
  });

  it('hides the raw injected fields from the edit layout of enabled types only', () => {
    const f = (name: string) => ({ name });
    const layout = {
      options: { segments: { enabled: true } },
      layout: [[[f('title'), f('segmentsPriority')], [f('segmentsTargets')]], [[f('body')]]],
    };
    expect(hideInjectedFields({ layout, query: {} }).layout.layout).toEqual([[[f('title')]], [[f('body')]]]);
    const off = { ...layout, options: {} };
    expect(hideInjectedFields({ layout: off }).layout).toBe(off);
  });
});
