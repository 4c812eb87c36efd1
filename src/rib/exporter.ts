// Drives export for every established session: Loc-RIB changes go through the export
// rules into each Adj-RIB-Out, and pending changes leave as packed UPDATEs after a short
// coalescing delay. The initial table goes out in slices that yield to the event loop,
// followed by End-of-RIB (RFC 4724 §2).
import { encodeEndOfRib, type CodecContext } from '../bgp/wire/index.js';
import type { Family, Prefix } from '../net/index.js';
import { AdjRibOut } from './adj-rib-out.js';
import { exportAllowed, exportAttributes, type ExportTarget } from './export.js';
import type { Rib } from './rib.js';
import { familyOfKey } from './route-key.js';
import { orfPermits, type OrfFilter } from './orf-filter.js';

export interface ExportSession {
  target: ExportTarget;
  /** How we encode toward this neighbor (ADD-PATH, 4-octet AS, extended message). */
  ctx: CodecContext;
  families: readonly Family[];
  /** Hands messages to the session; resolves when its queue has room again (backpressure). */
  send(messages: Uint8Array[]): Promise<void> | void;
}

interface SessionState {
  session: ExportSession;
  adjOut: AdjRibOut;
  initialDone: boolean;
  flushing: boolean;
  closed: boolean;
  /** (source, attribute set, family) → outgoing set id, valid until the next flush. */
  cache: Map<number, number>;
  /** Address Prefix ORF the neighbor installed, per family (RFC 5291); absent: no filter. */
  orf: Partial<Record<Family, OrfFilter>>;
}

export interface ExporterOptions {
  /** Wait this long after a change before sending, so bursts share UPDATEs. */
  coalesceMs: number;
  /** Routes per slice of the initial export before yielding. */
  sliceSize: number;
  /** Sources (by index) that are route-reflector clients. */
  isClient(sourceIndex: number): boolean;
}

const DEFAULTS: ExporterOptions = { coalesceMs: 5, sliceSize: 20000, isClient: () => false };

export class Exporter {
  private readonly sessions = new Map<string, SessionState>();
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: ExporterOptions;

  constructor(
    private readonly rib: Rib,
    opts: Partial<ExporterOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Starts export to a newly established session: the whole table, then End-of-RIB. */
  async attach(session: ExportSession): Promise<void> {
    this.detach(session.target.name);
    const state: SessionState = { session, adjOut: new AdjRibOut(this.rib.keys), initialDone: false, flushing: false, closed: false, cache: new Map(), orf: {} };
    this.sessions.set(session.target.name, state);
    const keys: number[] = [];
    this.rib.forEachRoute((key) => keys.push(key));
    for (let i = 0; i < keys.length; i += this.opts.sliceSize) {
      if (state.closed) return;
      const end = Math.min(keys.length, i + this.opts.sliceSize);
      for (const key of keys.slice(i, end)) this.evaluate(state, key);
      await this.flushSession(state);
      if (end < keys.length) await new Promise<void>((r) => setImmediate(r));
    }
    if (state.closed) return;
    await this.flushSession(state);
    state.initialDone = true;
    const eor = session.families.map((f) => encodeEndOfRib(f, session.ctx));
    await session.send(eor);
  }

  detach(name: string): void {
    const s = this.sessions.get(name);
    if (!s) return;
    s.closed = true;
    this.sessions.delete(name);
  }

  /** Loc-RIB keys that changed; each session re-evaluates them. */
  noteChanges(keys: ArrayLike<number>): void {
    if (keys.length === 0 || this.sessions.size === 0) return;
    for (const s of this.sessions.values()) for (let i = 0; i < keys.length; i++) this.evaluate(s, keys[i]!); // i < length
    this.schedule();
  }

  /** Re-evaluates everything for one session (its policy or settings changed). */
  reevaluate(name: string): void {
    const s = this.sessions.get(name);
    if (!s) return;
    s.cache.clear();
    this.rib.forEachRoute((key) => this.evaluate(s, key));
    this.schedule();
  }

  /**
   * Installs the neighbor's ORF for a family (an empty filter removes it), re-evaluates that
   * family and sends what changed, so a refresh answer that follows reflects the filter.
   */
  async setOrf(name: string, family: Family, filter: OrfFilter): Promise<void> {
    const s = this.sessions.get(name);
    if (!s) return;
    if (filter.length) s.orf[family] = filter;
    else delete s.orf[family];
    this.rib.forEachRoute((key) => {
      if (familyOfKey(key) === family) this.evaluate(s, key);
    });
    await this.flushSession(s);
  }

  /** ROUTE-REFRESH answer: the Adj-RIB-Out for a family, as UPDATEs (RFC 2918 §4). */
  refreshMessages(name: string, family: Family): Uint8Array[] {
    const s = this.sessions.get(name);
    return s ? s.adjOut.resend(s.session.ctx, family) : [];
  }

  adjRibOut(name: string): AdjRibOut | null {
    return this.sessions.get(name)?.adjOut ?? null;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const s of this.sessions.values()) void this.flushSession(s);
    }, this.opts.coalesceMs);
  }

  private async flushSession(s: SessionState): Promise<void> {
    if (s.flushing || s.closed) return;
    s.flushing = true;
    try {
      while (s.adjOut.pendingCount > 0 && !s.closed) {
        const messages = s.adjOut.flush(s.session.ctx);
        s.cache.clear();
        if (messages.length) await s.session.send(messages);
      }
    } finally {
      s.flushing = false;
    }
  }

  private evaluate(s: SessionState, key: number): void {
    const family = familyOfKey(key);
    if (!s.session.families.includes(family)) return;
    const sel = this.rib.selected(key);
    if (!sel) {
      s.adjOut.update(key, null);
      return;
    }
    const [sourceIndex] = sel.sources;
    const [attrId] = sel.attrIds;
    if (sourceIndex === undefined || attrId === undefined) return; // a selection has one path or more
    const source = this.rib.source(sourceIndex);
    if (!source) return;
    const target = s.session.target;
    const perPrefix = target.policy?.perPrefix === true;
    const cacheKey = (sourceIndex * 2 ** 21 + attrId) * 2 + (family === 'ipv4' ? 0 : 1);
    if (!perPrefix) {
      const hit = s.cache.get(cacheKey);
      if (hit !== undefined) {
        this.place(s, key, family, hit);
        return;
      }
    }
    const attrs = this.rib.attrs.get(attrId);
    let outId = -1;
    if (exportAllowed(source, attrs, target, this.opts.isClient(sourceIndex))) {
      const route = exportAttributes(source, attrs, target, family, perPrefix ? this.prefixView(key) : null);
      if (route) outId = s.adjOut.intern(route, family);
    }
    if (!perPrefix) s.cache.set(cacheKey, outId);
    this.place(s, key, family, outId);
  }

  /** Records the route for key unless the neighbor's ORF keeps it out. */
  private place(s: SessionState, key: number, family: Family, outId: number): void {
    const orf = s.orf[family];
    if (outId >= 0 && orf && !orfPermits(orf, this.prefixView(key))) outId = -1;
    s.adjOut.update(key, outId < 0 ? null : outId);
  }

  private prefixView(key: number): Prefix {
    if (familyOfKey(key) === 'ipv4') {
      const length = key % 64;
      return { address: (key - length) / 64, length };
    }
    return { address: this.rib.keys.v6.address(key), length: this.rib.keys.v6.length(key) };
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const name of [...this.sessions.keys()]) this.detach(name);
  }
}
