// What has been (or is about to be) sent to one neighbor: route key → interned outgoing
// attribute set. Changes collect here and leave as UPDATEs grouped by attribute set,
// withdrawals batched, so a burst of churn costs a few packed messages.
import type { Family } from '../net/index.js';
import {
  AS4_CONTEXT,
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
  attributes: PathAttribute[];
  family: Family;
  refs: number;
  key: string;
}

const WITHDRAW = -1;

export class AdjRibOut {
  private readonly table = new PrefixTable();
  private readonly sets: (OutSet | undefined)[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly free: number[] = [];
  /** key → out set id, or WITHDRAW; the latest change per prefix wins. */
  private readonly pending = new PrefixTable();

  constructor(private readonly keys: RouteKeys) {}

  get size(): number {
    return this.table.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Interns the wire attributes of an exported route; the id is stable while used. */
  intern(route: ExportedRoute, family: 'ipv4' | 'ipv6'): number {
    const attributes = wireAttributes(route, family);
    const bytes = encodeAttributes(attributes, AS4_CONTEXT);
    const key = `${family}\u0000${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const id = this.free.pop() ?? this.sets.length;
    this.sets[id] = { attributes, family, refs: 0, key };
    this.byKey.set(key, id);
    return id;
  }

  /** Records the route to send for key (an interned id), or its withdrawal (null). */
  update(key: number, outId: number | null): void {
    const current = this.pending.get(key, -2);
    const target = outId ?? WITHDRAW;
    const sent = this.table.get(key);
    // Sets interned but never sent are swept at the next flush.
    if (current === -2 && sent === target) return;
    // -2 tells "not pending" apart from a pending withdrawal (-1).
    if (sent === target) {
      if (this.pending.delete(key, -2) !== -2) this.keys.v6.release(key);
    } else if (this.pending.set(key, target, -2) === -2) this.keys.v6.retain(key);
  }

  /** Turns pending changes into UPDATE messages and records them as sent. */
  flush(ctx: CodecContext): Uint8Array[] {
    if (this.pending.size === 0) return [];
    const withdraw: Record<'ipv4' | 'ipv6', number[]> = { ipv4: [], ipv6: [] };
    const announce = new Map<number, number[]>();
    /** Keys the table let go; released once the withdrawals are encoded. */
    const held: number[] = [];
    this.pending.forEach((key, target) => {
      const old = this.table.get(key);
      if (target === WITHDRAW) {
        if (old >= 0) {
          withdraw[familyOfKey(key)].push(key);
          this.table.delete(key);
          this.deref(old);
          held.push(key);
        }
        return;
      }
      if (old === target) return;
      if (old < 0) this.keys.v6.retain(key);
      this.table.set(key, target);
      (this.sets[target] as OutSet).refs++;
      if (old >= 0) this.deref(old);
      const list = announce.get(target);
      if (list) list.push(key);
      else announce.set(target, [key]);
    });
    this.pending.forEach((key) => this.keys.v6.release(key));
    this.pending.clear();
    const out: Uint8Array[] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (withdraw[family].length) out.push(...packWithdrawals(this.keys.toList(withdraw[family].sort((a, b) => a - b), family), ctx));
    }
    for (const [id, keys] of announce) {
      const set = this.sets[id] as OutSet;
      out.push(...packAnnouncements(set.attributes, this.keys.toList(keys.sort((a, b) => a - b), set.family), ctx));
    }
    for (const key of held) this.keys.v6.release(key);
    this.sweep();
    return out;
  }

  private deref(id: number): void {
    const s = this.sets[id];
    if (s) s.refs--;
  }

  /** Forgets sets no prefix uses. */
  private sweep(): void {
    for (let id = 0; id < this.sets.length; id++) {
      const s = this.sets[id];
      if (s && s.refs <= 0) {
        this.byKey.delete(s.key);
        this.sets[id] = undefined;
        this.free.push(id);
      }
    }
  }

  /** Everything currently sent, as UPDATEs: the answer to a ROUTE-REFRESH (RFC 2918 §4). */
  resend(ctx: CodecContext, family: 'ipv4' | 'ipv6'): Uint8Array[] {
    const groups = new Map<number, number[]>();
    this.table.forEach((key, id) => {
      if (familyOfKey(key) !== family) return;
      const list = groups.get(id);
      if (list) list.push(key);
      else groups.set(id, [key]);
    });
    const out: Uint8Array[] = [];
    for (const [id, keys] of groups) {
      const set = this.sets[id] as OutSet;
      out.push(...packAnnouncements(set.attributes, this.keys.toList(keys.sort((a, b) => a - b), family), ctx));
    }
    return out;
  }

  /** The attributes sent for key, for `show routes` on the export side. */
  sent(key: number): PathAttribute[] | null {
    const id = this.table.get(key);
    return id < 0 ? null : (this.sets[id] as OutSet).attributes;
  }

  /** Forgets everything (the session went down; the next one starts from scratch). */
  reset(): void {
    this.table.forEach((key) => this.keys.v6.release(key));
    this.pending.forEach((key) => this.keys.v6.release(key));
    this.table.clear();
    this.pending.clear();
    this.sets.length = 0;
    this.byKey.clear();
    this.free.length = 0;
  }
}
