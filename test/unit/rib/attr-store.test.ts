// The attribute store keeps a set as its encoded bytes plus decision columns: what comes
// back out must be what went in, sets are shared by identical input, and freed ids are reused.
import { describe, expect, it } from 'vitest';
import { findAttribute } from '../../../src/bgp/wire/index.js';
import { AttrStore } from '../../../src/rib/attr-store.js';
import { attrsInput } from './fixtures.js';

describe('AttrStore', () => {
  it('gives back the attributes, next hops and decision inputs it was given', () => {
    const store = new AttrStore();
    const input = { ...attrsInput({ localPref: 250, med: 3_000_000_000, path: [65001, 65002, 65003], originatorId: '192.0.2.200', clusterList: ['10.0.0.1', '10.0.0.2'], communities: [0xfde80001, 7], origin: 1 }), device: 'eth1', noInstall: true };
    const a = store.intern(input);
    expect(a.attributes).toEqual(input.attributes);
    expect(findAttribute(a.attributes, 'COMMUNITIES')).toEqual([0xfde80001, 7]);
    expect([a.nextHop, a.receivedNextHop, a.receivedLinkLocal, a.device, a.kind, a.noInstall]).toEqual(['192.0.2.1', '192.0.2.1', null, 'eth1', 'unicast', true]);
    expect([a.localPref, a.med, a.hasMed, a.asPathLength, a.neighborAs, a.origin, a.clusterListLength, a.originatorId]).toEqual([250, 3_000_000_000, true, 3, 65001, 1, 2, 0xc00002c8]);
    const plain = store.intern(attrsInput());
    expect([plain.localPref, plain.hasMed, plain.originatorId, plain.origin]).toEqual([100, false, null, 0]);
  });

  it('shares one set between identical inputs and tells next hops apart', () => {
    const store = new AttrStore();
    const a = store.intern(attrsInput({ communities: [1] }));
    expect(store.intern(attrsInput({ communities: [1] }))).toBe(a);
    expect(store.intern(attrsInput({ communities: [1], nextHop: '192.0.2.9' }))).not.toBe(a);
    expect(store.intern(attrsInput({ communities: [2] }))).not.toBe(a);
    expect(store.size).toBe(3);
  });

  it('forgets a set with its last reference and reuses the id without mixing up columns', () => {
    const store = new AttrStore();
    const a = store.intern(attrsInput({ localPref: 50 }));
    store.ref(a.id, 2);
    store.unref(a.id);
    expect(store.get(a.id)).toBe(a);
    store.unref(a.id);
    expect(store.size).toBe(0);
    expect(() => store.get(a.id)).toThrow(RangeError);
    const b = store.intern(attrsInput({ localPref: 70 }));
    expect(b.id).toBe(a.id);
    expect(b.localPref).toBe(70);
    expect(store.intern(attrsInput({ localPref: 50 }))).not.toBe(a);
  });

  it('grows its columns past the first thousand sets', () => {
    const store = new AttrStore();
    const sets = Array.from({ length: 3000 }, (_, i) => store.intern(attrsInput({ med: i, communities: [i] })));
    expect(sets.every((s, i) => s.med === i && s.id === i)).toBe(true);
  });
});
