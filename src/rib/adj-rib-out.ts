// What has been (or is about to be) sent to one neighbor: route key → interned outgoing
// attribute set, and the changes still to send, as keys: route key → latest target (an out
// set or a withdrawal), a newer change replacing an older one. UPDATEs are made from the
// pending keys a slice at a time (flush with a budget), as the socket takes them, so a
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
import type { ExportedRoute } from './export.js';
import { wireAttributes } from './export.js';
import { PrefixTable } from './prefix-table.js';
import { familyOfKey, type RouteKeys } from './route-key.js';

interface OutSet {
  /** 4 or 6, then the wire attributes encoded with 4-octet ASNs: the intern key. */
  key: string;
  family: 'ipv4' | 'ipv6';
  /** Routes sent with it plus pending changes toward it. */
  refs: number;
  /** Kept decoded only when the encoding does not decode back to the same list. */
  attributes: PathAttribute[] | null;
}

const WITHDRAW = -1;
const NOT_PENDING = -2;
/** A pending entry already turned into an UPDATE in this round (entries never move mid-round). */
const DONE = -3;

export class AdjRibOut {
  private readonly table = new PrefixTable();
  private readonly sets: (OutSet | undefined)[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly free: number[] = [];
  /** Sets whose count dropped to zero since the last flush: freed then unless used again. */
  private unused: number[] = [];
  /** key → out set id, WITHDRAW, or DONE. */
  private readonly pending = new PrefixTable();
  /** Pending entries not DONE. */
  private live = 0;
  /** Where the next flush continues its walk of `pending`, valid for `generation`. */
  private cursor = 0;
  private generation = -1;

  constructor(private readonly keys: RouteKeys) {}

  get size(): number {
    return this.table.size;
  }

  get pendingCount(): number {
    return this.live;
  }

  /** Interns the wire attributes of an exported route; the id is stable while used. */
  intern(route: ExportedRoute, family: 'ipv4' | 'ipv6'): number {
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
    const isLive = current !== NOT_PENDING && current !== DONE;
    if (isLive && current >= 0) this.drop(current);
    if (this.table.get(key) === target) {
      // Back to what the neighbor has: nothing to send.
      if (isLive) {
        this.pending.set(key, DONE);
        this.live--;
        this.keys.v6.release(key);
      }
      return;
    }
    if (target >= 0) this.hold(target);
    this.pending.set(key, target, NOT_PENDING);
    if (!isLive) {
      this.live++;
      this.keys.v6.retain(key);
    }
  }

  /**
   * Turns up to `maxRoutes` pending changes into UPDATE messages and records them as sent;
   * the rest wait for the next call. The attributes of each out set go once per message.
   */
  flush(ctx: CodecContext, maxRoutes = Number.POSITIVE_INFINITY): Uint8Array[] {
    if (this.live === 0) {
      this.endRound();
      this.sweep();
      return [];
    }
    if (this.generation !== this.pending.generation) {
      this.cursor = 0;
      this.generation = this.pending.generation;
    }
    const withdraw: Record<'ipv4' | 'ipv6', number[]> = { ipv4: [], ipv6: [] };
    const announce = new Map<number, number[]>();
    /** Keys whose pending (and for withdrawals, table) hold is let go once their messages are encoded. */
    const held: number[] = [];
    let taken = 0;
    const take = (key: number, target: number, slot: number): void => {
      this.pending.setSlot(slot, DONE);
      this.live--;
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
        return;
      }
      // The pending hold on `target` becomes the table's.
      if (old === target) {
        this.drop(target);
        return;
      }
      if (old < 0) this.keys.v6.retain(key);
      this.table.set(key, target);
      if (old >= 0) this.drop(old);
      const list = announce.get(target);
      if (list) list.push(key);
      else announce.set(target, [key]);
    };
    while (taken < maxRoutes && this.live > 0) {
      // Entries set behind the cursor during a round are found on the next pass.
      if (this.cursor >= this.pending.capacity) this.cursor = 0;
      this.cursor = this.pending.scan(this.cursor, maxRoutes - taken, DONE, take);
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
    if (this.live === 0) this.endRound();
    this.sweep();
    return out;
  }

  /** Every pending change is sent: the pending table shrinks back to nothing. */
  private endRound(): void {
    if (this.pending.size) this.pending.clear();
    this.cursor = 0;
    this.generation = this.pending.generation;
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
  *resend(ctx: CodecContext, family: 'ipv4' | 'ipv6', slice = 4096): Generator<Uint8Array> {
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
    this.pending.forEach((key, v) => {
      if (v !== DONE) this.keys.v6.release(key);
    });
    this.table.clear();
    this.pending.clear();
    this.live = 0;
    this.cursor = 0;
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
