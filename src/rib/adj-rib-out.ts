// What has been (or is about to be) sent to one neighbor: route key → interned outgoing
// attribute set, and the changes still to send, as keys: route key → latest target (an out
// set or a withdrawal), a newer change replacing an older one, and the keys in the order they
// first changed. UPDATEs are made from the oldest pending keys a slice at a time (flush with a
// budget), as the socket takes them, so a
// neighbor that reads slowly costs a few bytes per pending route, never a table of encoded
// messages. An out set is kept as its encoded attributes (one latin1 string, also its intern
// key) and decoded when a slice of its routes is packed.
import {
  AS4_CONTEXT,
  decodeAttributes,
  encodeAttributes,
  packAnnouncements,
  packWithdrawals,
  type CodecContext,
  type PathAttribute,
} from '../bgp/wire/index.js';
import type { Family } from '../net/index.js';
import type { ExportedRoute } from './export.js';
import { wireAttributes } from './export.js';
import { PrefixTable } from './prefix-table.js';
import { familyOfKey, type RouteKeys } from './route-key.js';

interface OutSet {
  /** 4 or 6, then the wire attributes encoded with 4-octet ASNs: the intern key. */
  key: string;
  family: Family;
  /** Routes sent with it plus pending changes toward it. */
  refs: number;
  /** Kept decoded only when the encoding does not decode back to the same list. */
  attributes: PathAttribute[] | null;
}

const WITHDRAW = -1;
const NOT_PENDING = -2;

export class AdjRibOut {
  private readonly table = new PrefixTable();
  private readonly sets: (OutSet | undefined)[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly free: number[] = [];
  /** Sets whose count dropped to zero since the last flush: freed then unless used again. */
  private unused: number[] = [];
  /** key → out set id or WITHDRAW: the latest change not yet sent. */
  private readonly pending = new PrefixTable();
  /**
   * Pending keys, oldest first (head..tail). A key that went back to what was sent leaves
   * `pending` but stays here until its turn, when it is skipped; the queue is rebuilt from
   * `pending` when such leftovers outnumber the live keys.
   */
  private queue = new Float64Array(1024);
  private head = 0;
  private tail = 0;

  constructor(private readonly keys: RouteKeys) {}

  get size(): number {
    return this.table.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Interns the wire attributes of an exported route; the id is stable while used. */
  intern(route: ExportedRoute, family: Family): number {
    const attributes = wireAttributes(route, family);
    const bytes = encodeAttributes(attributes, AS4_CONTEXT);
    const key = `${family === 'ipv4' ? '4' : '6'}${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const id = this.free.pop() ?? this.sets.length;
    const back = decodeAttributes(bytes, 0, bytes.length, AS4_CONTEXT);
    const clean = back.action === null && back.attributes.length === attributes.length && sameEncoding(back.attributes, bytes);
    this.sets[id] = { key, family, refs: 0, attributes: clean ? null : attributes };
    this.byKey.set(key, id);
    this.unused.push(id);
    return id;
  }

  private hold(id: number): void {
    (this.sets[id] as OutSet).refs++;
  }

  private drop(id: number): void {
    const s = this.sets[id];
    if (s && --s.refs <= 0) this.unused.push(id);
  }

  /** Records the route to send for key (an interned id), or its withdrawal (null). */
  update(key: number, outId: number | null): void {
    const target = outId ?? WITHDRAW;
    const current = this.pending.get(key, NOT_PENDING);
    if (current >= 0) this.drop(current);
    if (this.table.get(key) === target) {
      // Back to what the neighbor has: nothing to send.
      if (current !== NOT_PENDING) {
        this.pending.delete(key, NOT_PENDING);
        this.keys.v6.release(key);
      }
      return;
    }
    if (target >= 0) this.hold(target);
    this.pending.set(key, target, NOT_PENDING);
    if (current === NOT_PENDING) {
      this.keys.v6.retain(key);
      this.enqueue(key);
    }
  }

  private enqueue(key: number): void {
    if (this.tail === this.queue.length) {
      const live = this.tail - this.head;
      // Leftovers of keys that went back to what was sent outnumber the live ones: start over from `pending`.
      if (live > 2 * this.pending.size + 1024) this.rebuildQueue();
      else {
        const next = new Float64Array(Math.max(1024, live * 2));
        next.set(this.queue.subarray(this.head, this.tail));
        this.queue = next;
        this.head = 0;
        this.tail = live;
      }
      if (this.tail === this.queue.length) {
        const next = new Float64Array(this.queue.length * 2);
        next.set(this.queue);
        this.queue = next;
      }
    }
    this.queue[this.tail++] = key;
  }

  private rebuildQueue(): void {
    const keys = this.pending.keyList();
    this.queue = new Float64Array(Math.max(1024, keys.length * 2));
    this.queue.set(keys);
    this.head = 0;
    this.tail = keys.length;
  }

  /**
   * Turns up to `maxRoutes` pending changes (the oldest) into UPDATE messages and records them
   * as sent; the rest wait for the next call. The attributes of each out set go once per message.
   */
  flush(ctx: CodecContext, maxRoutes = Number.POSITIVE_INFINITY): Uint8Array[] {
    const withdraw: Record<Family, number[]> = { ipv4: [], ipv6: [] };
    const announce = new Map<number, number[]>();
    /** Keys whose pending (and for withdrawals, table) hold is let go once their messages are encoded. */
    const held: number[] = [];
    let taken = 0;
    while (taken < maxRoutes && this.head < this.tail) {
      const key = this.queue[this.head++] as number;
      const target = this.pending.delete(key, NOT_PENDING);
      if (target === NOT_PENDING) continue; // went back to what was sent
      taken++;
      held.push(key);
      const old = this.table.get(key);
      if (target === WITHDRAW) {
        if (old >= 0) {
          withdraw[familyOfKey(key)].push(key);
          this.table.delete(key);
          this.drop(old);
          held.push(key); // the table's hold too
        }
        continue;
      }
      // The pending hold on `target` becomes the table's.
      if (old === target) {
        this.drop(target);
        continue;
      }
      if (old < 0) this.keys.v6.retain(key);
      this.table.set(key, target);
      if (old >= 0) this.drop(old);
      const list = announce.get(target);
      if (list) list.push(key);
      else announce.set(target, [key]);
    }
    if (this.head === this.tail) {
      // Everything is sent: the pending state shrinks back to nothing.
      this.head = this.tail = 0;
      if (this.queue.length > 1024) this.queue = new Float64Array(1024);
      if (this.pending.size === 0) this.pending.clear();
    }
    const out: Uint8Array[] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (withdraw[family].length) out.push(...packWithdrawals(this.keys.toList(withdraw[family].sort((a, b) => a - b), family), ctx));
    }
    for (const [id, keys] of announce) {
      const set = this.sets[id] as OutSet;
      out.push(...packAnnouncements(this.attributesOf(set), this.keys.toList(keys.sort((a, b) => a - b), set.family), ctx));
    }
    for (const key of held) this.keys.v6.release(key);
    this.sweep();
    return out;
  }

  private attributesOf(set: OutSet): PathAttribute[] {
    if (set.attributes) return set.attributes;
    const bytes = Buffer.from(set.key, 'latin1');
    return decodeAttributes(bytes, 1, bytes.length, AS4_CONTEXT).attributes;
  }

  /** Forgets sets no prefix uses and no pending change points at. */
  private sweep(): void {
    const ids = this.unused;
    this.unused = [];
    for (const id of ids) {
      const s = this.sets[id];
      if (s && s.refs <= 0) {
        this.byKey.delete(s.key);
        this.sets[id] = undefined;
        this.free.push(id);
      }
    }
  }

  /**
   * Everything currently sent for a family, as UPDATEs made `slice` routes at a time while
   * the caller consumes them: the answer to a ROUTE-REFRESH (RFC 2918 §4). A route that
   * changes meanwhile goes out as it is when its slice is made.
   */
  *resend(ctx: CodecContext, family: Family, slice = 4096): Generator<Uint8Array> {
    const all = this.table.keyList();
    for (let i = 0; i < all.length; i += slice) {
      const groups = new Map<number, number[]>();
      for (let k = i; k < Math.min(all.length, i + slice); k++) {
        const key = all[k] as number;
        if (familyOfKey(key) !== family) continue;
        const id = this.table.get(key);
        if (id < 0) continue;
        const list = groups.get(id);
        if (list) list.push(key);
        else groups.set(id, [key]);
      }
      for (const [id, keys] of groups) {
        const set = this.sets[id] as OutSet;
        yield* packAnnouncements(this.attributesOf(set), this.keys.toList(keys.sort((a, b) => a - b), family), ctx);
      }
    }
  }

  /** The attributes sent for key, for `show routes` on the export side. */
  sent(key: number): PathAttribute[] | null {
    const id = this.table.get(key);
    return id < 0 ? null : this.attributesOf(this.sets[id] as OutSet);
  }

  /** Forgets everything (the session went down; the next one starts from scratch). */
  reset(): void {
    this.table.forEach((key) => this.keys.v6.release(key));
    this.pending.forEach((key) => this.keys.v6.release(key));
    this.table.clear();
    this.pending.clear();
    this.queue = new Float64Array(1024);
    this.head = this.tail = 0;
    this.sets.length = 0;
    this.byKey.clear();
    this.free.length = 0;
    this.unused = [];
  }
}

/** Whether a decoded list encodes to exactly `bytes` (so the bytes alone can stand for it). */
function sameEncoding(attrs: readonly PathAttribute[], bytes: Uint8Array): boolean {
  const again = encodeAttributes(attrs, AS4_CONTEXT);
  return again.length === bytes.length && again.every((b, i) => b === bytes[i]);
}
