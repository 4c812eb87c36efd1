// Interning of route attributes: an UPDATE with 900 prefixes makes one RouteAttrs, and a
// table of a million routes refers to a few thousand of them by small integer id.
import { AS4_CONTEXT, encodeAttributes } from '../bgp/wire/index.js';
import { deriveDecisionInputs, type RouteAttrs, type RouteAttrsInput } from './route-attrs.js';

export class AttrStore {
  private readonly byKey = new Map<string, RouteAttrs>();
  private readonly byId: (RouteAttrs | undefined)[] = [];
  private readonly keys: (string | undefined)[] = [];
  private refs = new Int32Array(1024);
  private readonly free: number[] = [];

  /** Finds or creates the set; the caller then holds one reference per route using it (see ref). */
  intern(input: RouteAttrsInput): RouteAttrs {
    const key = internKey(input);
    const found = this.byKey.get(key);
    if (found) return found;
    const id = this.free.pop() ?? this.byId.length;
    if (id >= this.refs.length) {
      const next = new Int32Array(this.refs.length * 2);
      next.set(this.refs);
      this.refs = next;
    }
    const attrs: RouteAttrs = Object.freeze({ ...input, ...deriveDecisionInputs(input), id });
    this.byKey.set(key, attrs);
    this.byId[id] = attrs;
    this.keys[id] = key;
    this.refs[id] = 0;
    return attrs;
  }

  get(id: number): RouteAttrs {
    const a = this.byId[id];
    if (!a) throw new RangeError(`no attribute set ${id}`);
    return a;
  }

  ref(id: number, n = 1): void {
    this.refs[id]! += n; // ids come from intern(), inside refs
  }

  /** Drops references; a set nobody uses any more is forgotten. */
  unref(id: number, n = 1): void {
    const left = (this.refs[id]! -= n);
    if (left <= 0) {
      const key = this.keys[id];
      if (key !== undefined) this.byKey.delete(key);
      this.byId[id] = undefined;
      this.keys[id] = undefined;
      this.refs[id] = 0;
      this.free.push(id);
    }
  }

  /** Forgets a set interned but never referenced (e.g. every prefix of its UPDATE was rejected). */
  releaseIfUnused(id: number): void {
    if (this.refs[id] === 0 && this.byId[id]) this.unref(id, 0);
  }

  refCount(id: number): number {
    return this.refs[id] ?? 0;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** Everything that makes two sets different, as one string. */
function internKey(input: RouteAttrsInput): string {
  const bytes = encodeAttributes(input.attributes, AS4_CONTEXT);
  return `${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}\u0000${input.receivedNextHop ?? ''}\u0000${input.receivedLinkLocal ?? ''}\u0000${input.nextHop ?? ''}\u0000${input.device ?? ''}\u0000${input.kind}\u0000${input.noInstall ? 1 : 0}`;
}
