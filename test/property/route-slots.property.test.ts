// Slot lifetime of the slot index the Loc-RIB and the kernel FIB share (src/rib/route-slots.ts,
// src/kernel/route-table.ts): a key keeps its slot as long as anyone holds it, a slot is never
// another key's while held, and the FIB's hold outlives the Loc-RIB's withdrawal (a kernel delete
// still in flight) so that a re-announcement finds the same slot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RouteTable, WANT_NONE } from '../../src/kernel/route-table.js';
import { Rib } from '../../src/rib/rib.js';
import { HOLD_FIB, HOLD_LOC, RouteSlots } from '../../src/rib/route-slots.js';
import { localSource } from '../../src/rib/route-source.js';
import { attrsInput } from '../unit/rib/fixtures.js';

const KEYS = Array.from({ length: 12 }, (_, i) => (0x0a000000 + i * 256) * 64 + 24);

describe('route slots', () => {
  it('keep a key in one slot while anyone holds it, and give a slot to one key at a time', () => {
    const op = fc.record({ key: fc.integer({ min: 0, max: KEYS.length - 1 }), holder: fc.constantFrom(HOLD_LOC, HOLD_FIB), hold: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const slots = new RouteSlots();
        const model = new Map<number, { slot: number; bits: number }>();
        for (const o of ops) {
          const key = KEYS[o.key]!;
          const m = model.get(key);
          if (o.hold) {
            const s = slots.hold(key, o.holder);
            if (m) {
              expect(s).toBe(m.slot);
              m.bits |= o.holder;
            } else model.set(key, { slot: s, bits: o.holder });
          } else if (m && (m.bits & o.holder) !== 0) {
            m.bits &= ~o.holder;
            expect(slots.release(m.slot, o.holder)).toBe(m.bits === 0);
            if (m.bits === 0) model.delete(key);
          }
          expect(slots.size).toBe(model.size);
          const used = new Set<number>();
          for (const k of KEYS) {
            const e = model.get(k);
            if (!e) {
              expect(slots.find(k)).toBe(-1);
              continue;
            }
            expect(slots.find(k)).toBe(e.slot);
            expect(slots.holds(e.slot, HOLD_LOC)).toBe((e.bits & HOLD_LOC) !== 0);
            expect(slots.holds(e.slot, HOLD_FIB)).toBe((e.bits & HOLD_FIB) !== 0);
            expect(used.has(e.slot)).toBe(false);
            used.add(e.slot);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('find every held key and give its key back by slot, through growth and backward-shift deletion', () => {
    // Many keys in few buckets: probes collide, the table grows, and deletions shift runs back.
    const pool = Array.from({ length: 400 }, (_, i) => (0x0a000000 + i * 256) * 64 + 24);
    const op = fc.record({ key: fc.integer({ min: 0, max: pool.length - 1 }), hold: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 1500 }), (ops) => {
        const slots = new RouteSlots();
        const model = new Map<number, number>();
        for (const o of ops) {
          const key = pool[o.key]!;
          const s = model.get(key);
          if (o.hold) model.set(key, slots.hold(key, HOLD_LOC));
          else if (s !== undefined) {
            slots.release(s, HOLD_LOC);
            model.delete(key);
          }
        }
        expect(slots.size).toBe(model.size);
        for (const key of pool) {
          const s = model.get(key);
          expect(slots.find(key)).toBe(s ?? -1);
          if (s !== undefined) expect(slots.keyOf(s)).toBe(key);
        }
        const seen = new Map<number, number>();
        slots.forEach((key, s) => seen.set(key, s));
        expect(seen).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('through the Loc-RIB and the FIB table: withdrawals, re-announcements and kernel deletes in any order', () => {
    // announce / withdraw: the Loc-RIB; fib: the FIB takes the route (as the feed does);
    // settle: the kernel's delete reported, the FIB lets a route it no longer wants go.
    const op = fc.record({ key: fc.integer({ min: 0, max: KEYS.length - 1 }), what: fc.constantFrom('announce', 'withdraw', 'fib', 'settle') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const rib = new Rib();
        rib.addSource(localSource(0, 'api', 'api'));
        const attrs = rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, device: 'node0' });
        const table = new RouteTable(rib.keys.slots, rib.keys.v6);
        const announced = new Set<number>();
        /** Slot of each key the FIB holds, from when it took it. */
        const fibSlot = new Map<number, number>();
        for (const o of ops) {
          const key = KEYS[o.key]!;
          switch (o.what) {
            case 'announce':
              rib.announceKeys(0, [key], attrs);
              announced.add(key);
              break;
            case 'withdraw':
              rib.withdrawKeys(0, [key]);
              announced.delete(key);
              break;
            case 'fib': {
              if (!announced.has(key)) break;
              const s = table.add(key);
              if (fibSlot.has(key)) expect(s).toBe(fibSlot.get(key));
              fibSlot.set(key, s);
              table.setWant(s, 7);
              break;
            }
            case 'settle': {
              const s = table.slot(key);
              if (s < 0 || announced.has(key)) break;
              table.setWant(s, WANT_NONE);
              table.remove(s);
              fibSlot.delete(key);
              break;
            }
          }
          const used = new Set<number>();
          for (const k of KEYS) {
            const loc = rib.selected(k) !== null;
            expect(loc).toBe(announced.has(k));
            const s = table.slot(k);
            expect(s).toBe(fibSlot.get(k) ?? -1);
            const shared = rib.keys.slots.find(k);
            if (s >= 0) {
              // The FIB's slot is the key's slot in the shared index, whatever the Loc-RIB did meanwhile.
              expect(shared).toBe(s);
              expect(table.key(s)).toBe(k);
              expect(table.want(s)).toBe(7);
            }
            if (!loc && s < 0) expect(shared).toBe(-1);
            if (shared >= 0) {
              expect(used.has(shared)).toBe(false);
              used.add(shared);
            }
          }
          expect(table.size).toBe(fibSlot.size);
          expect(rib.size).toBe(announced.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a prefix withdrawn while its kernel delete is in flight gets its slot back; another prefix gets a new one', () => {
    const rib = new Rib();
    rib.addSource(localSource(0, 'api', 'api'));
    const attrs = rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, device: 'node0' });
    const table = new RouteTable(rib.keys.slots, rib.keys.v6);
    const [a, b] = [KEYS[0]!, KEYS[1]!];
    rib.announceKeys(0, [a], attrs);
    const s = table.add(a);
    table.setForm(s, 3);
    // Withdrawn: the Loc-RIB lets go, the FIB still holds the slot (its delete is not written yet).
    rib.withdrawKeys(0, [a]);
    expect(rib.selected(a)).toBeNull();
    expect(table.slot(a)).toBe(s);
    // Another prefix arriving now must not get that slot.
    rib.announceKeys(0, [b], attrs);
    expect(rib.keys.slots.find(b)).not.toBe(s);
    // The same prefix again before the delete reported: the same slot, the kernel form kept.
    rib.announceKeys(0, [a], attrs);
    expect(rib.keys.slots.find(a)).toBe(s);
    expect(table.addAt(s, a)).toBe(s);
    expect(table.form(s)).toBe(3);
    // Withdrawn again and the delete reported: the slot goes only when both have let go.
    rib.withdrawKeys(0, [a]);
    table.setForm(s, -1);
    table.remove(s);
    expect(rib.keys.slots.find(a)).toBe(-1);
    const c = KEYS[2]!;
    rib.announceKeys(0, [c], attrs);
    expect(rib.keys.slots.find(c)).toBe(s); // now free to reuse
    expect(table.slot(c)).toBe(-1); // and not the FIB's until it takes it
  });
});
