// Interning of route attributes: an UPDATE with 900 prefixes makes one RouteAttrs, and a
// table of a million routes refers to its sets by small integer id. A set is kept as its
// canonical wire encoding (one latin1 string, which is also its key in the intern map), the
// decision inputs in typed-array columns, and a shared next-hop record; the decoded
// attribute list is rebuilt on demand (export, the API), never stored. About 250 bytes a
// set with a few communities (see bench/attr-sets.bench.ts), where decoded attribute
// objects cost kilobytes. Not the place for policy or export rules.
import { AS4_CONTEXT, decodeAttributes, encodeAttributes, type PathAttribute } from '../bgp/wire/index.js';
import type { RouteKind } from '../net/index.js';
import { deriveDecisionInputs, type RouteAttrs, type RouteAttrsInput } from './route-attrs.js';

/** What import decided beside the path attributes; few distinct values, shared by every set using them. */
interface Hop {
  readonly receivedNextHop: string | null;
  readonly receivedLinkLocal: string | null;
  readonly nextHop: string | null;
  readonly device: string | null;
  readonly kind: RouteKind;
  readonly noInstall: boolean;
  readonly key: string;
  /** This hop's sets by their encoded attributes. */
  readonly sets: Map<string, StoredAttrs>;
}

// Column layout: four u32 (LOCAL_PREF, MED, neighboring AS, ORIGINATOR_ID), two i32 (path
// length, CLUSTER_LIST length), one u8 of flags and one u8 origin per set.
const U32 = 4;
const I32 = 2;
const HAS_MED = 1;
const HAS_ORIGINATOR = 2;

class StoredAttrs implements RouteAttrs {
  constructor(
    readonly id: number,
    /** The stored path attributes encoded as on the wire (4-octet ASNs), one byte per char. */
    readonly encoded: string,
    /** @internal */
    readonly hop: Hop,
    private readonly store: AttrStore,
  ) {}

  get attributes(): readonly PathAttribute[] {
    const bytes = Buffer.from(this.encoded, 'latin1');
    return decodeAttributes(bytes, 0, bytes.length, AS4_CONTEXT).attributes;
  }
  get nextHopKey(): string {
    return this.hop.key;
  }
  get receivedNextHop(): string | null {
    return this.hop.receivedNextHop;
  }
  get receivedLinkLocal(): string | null {
    return this.hop.receivedLinkLocal;
  }
  get nextHop(): string | null {
    return this.hop.nextHop;
  }
  get device(): string | null {
    return this.hop.device;
  }
  get kind(): RouteKind {
    return this.hop.kind;
  }
  get noInstall(): boolean {
    return this.hop.noInstall;
  }
  get localPref(): number {
    return this.store.u32[this.id * U32] as number;
  }
  get med(): number {
    return this.store.u32[this.id * U32 + 1] as number;
  }
  get neighborAs(): number {
    return this.store.u32[this.id * U32 + 2] as number;
  }
  get originatorId(): number | null {
    return ((this.store.flags[this.id] as number) & HAS_ORIGINATOR) !== 0 ? (this.store.u32[this.id * U32 + 3] as number) : null;
  }
  get hasMed(): boolean {
    return ((this.store.flags[this.id] as number) & HAS_MED) !== 0;
  }
  get asPathLength(): number {
    return this.store.i32[this.id * I32] as number;
  }
  get clusterListLength(): number {
    return this.store.i32[this.id * I32 + 1] as number;
  }
  get origin(): number {
    return this.store.origins[this.id] as number;
  }
}

export class AttrStore {
  private readonly hops = new Map<string, Hop>();
  private readonly byId: (StoredAttrs | undefined)[] = [];
  private refs = new Int32Array(1024);
  /** @internal decision-input columns, read by the sets' getters */
  u32 = new Uint32Array(1024 * U32);
  /** @internal */
  i32 = new Int32Array(1024 * I32);
  /** @internal */
  flags = new Uint8Array(1024);
  /** @internal */
  origins = new Uint8Array(1024);
  private readonly free: number[] = [];
  private count = 0;

  /** Finds or creates the set; the caller then holds one reference per route using it (see ref). */
  intern(input: RouteAttrsInput): RouteAttrs {
    const hop = this.hopOf(input);
    const bytes = encodeAttributes(input.attributes, AS4_CONTEXT);
    const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const found = hop.sets.get(encoded);
    if (found) return found;
    const id = this.free.pop() ?? this.byId.length;
    if (id >= this.refs.length) this.grow();
    const d = deriveDecisionInputs(input);
    this.u32[id * U32] = d.localPref;
    this.u32[id * U32 + 1] = d.med;
    this.u32[id * U32 + 2] = d.neighborAs;
    this.u32[id * U32 + 3] = d.originatorId ?? 0;
    this.i32[id * I32] = d.asPathLength;
    this.i32[id * I32 + 1] = d.clusterListLength;
    this.flags[id] = (d.hasMed ? HAS_MED : 0) | (d.originatorId !== null ? HAS_ORIGINATOR : 0);
    this.origins[id] = d.origin;
    const attrs = new StoredAttrs(id, encoded, hop, this);
    hop.sets.set(encoded, attrs);
    this.byId[id] = attrs;
    this.refs[id] = 0;
    this.count++;
    return attrs;
  }

  private hopOf(input: RouteAttrsInput): Hop {
    const key = `${input.receivedNextHop ?? ''}\u0000${input.receivedLinkLocal ?? ''}\u0000${input.nextHop ?? ''}\u0000${input.device ?? ''}\u0000${input.kind}\u0000${input.noInstall ? 1 : 0}`;
    let hop = this.hops.get(key);
    if (!hop) {
      hop = {
        receivedNextHop: input.receivedNextHop,
        receivedLinkLocal: input.receivedLinkLocal,
        nextHop: input.nextHop,
        device: input.device,
        kind: input.kind,
        noInstall: input.noInstall,
        key,
        sets: new Map(),
      };
      this.hops.set(key, hop);
    }
    return hop;
  }

  private grow(): void {
    const size = this.refs.length * 2;
    const refs = new Int32Array(size);
    refs.set(this.refs);
    this.refs = refs;
    const u32 = new Uint32Array(size * U32);
    u32.set(this.u32);
    this.u32 = u32;
    const i32 = new Int32Array(size * I32);
    i32.set(this.i32);
    this.i32 = i32;
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.flags = flags;
    const origins = new Uint8Array(size);
    origins.set(this.origins);
    this.origins = origins;
  }

  get(id: number): RouteAttrs {
    const a = this.byId[id];
    if (!a) throw new RangeError(`no attribute set ${id}`);
    return a;
  }

  ref(id: number, n = 1): void {
    (this.refs[id] as number) += n;
  }

  /** Drops references; a set nobody uses any more is forgotten. */
  unref(id: number, n = 1): void {
    const left = ((this.refs[id] as number) -= n);
    if (left > 0) return;
    const a = this.byId[id];
    if (a) {
      const hop = a.hop;
      hop.sets.delete(a.encoded);
      if (hop.sets.size === 0) this.hops.delete(hop.key);
      this.count--;
    }
    this.byId[id] = undefined;
    this.refs[id] = 0;
    this.free.push(id);
  }

  /** Forgets a set interned but never referenced (e.g. every prefix of its UPDATE was rejected). */
  releaseIfUnused(id: number): void {
    if (this.refs[id] === 0 && this.byId[id]) this.unref(id, 0);
  }

  refCount(id: number): number {
    return this.refs[id] as number;
  }

  get size(): number {
    return this.count;
  }
}
