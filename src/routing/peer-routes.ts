// Connects one BGP neighbor's session to the RIB: UPDATEs are imported into its
// Adj-RIB-In, the Loc-RIB goes out through the exporter while the session is up, and
// graceful restart keeps or sweeps its routes. The only place sessions and RIB meet.
import type { Logger } from 'pino';
import type { Peer, ReceivedUpdate, UpdateSink, UpdateVerdict } from '../bgp/peer.js';
import type { NegotiatedSession } from '../bgp/negotiate.js';
import { WhenToRefresh, endOfRibFamily, familyOf, type RefreshOrf } from '../bgp/wire/index.js';
import { type Family } from '../net/index.js';
import type { ExportTarget } from '../rib/export.js';
import type { Exporter, ExportSession } from '../rib/exporter.js';
import { importUpdate, type ImportContext } from '../rib/import.js';
import { applyOrfEntries, type OrfFilter } from '../rib/orf-filter.js';
import type { Rib } from '../rib/rib.js';
import type { RouteSource } from '../rib/route-source.js';
import { restartWaitMs, retainRoutesOnDown } from './graceful-restart.js';

export interface PeerRoutesOptions {
  peer: Peer;
  rib: Rib;
  exporter: Exporter;
  source: RouteSource;
  /** Import settings that only the live session can complete (local address, as4). */
  importContext(negotiated: NegotiatedSession, localAddress: string | null): ImportContext;
  /** Export settings for this session. */
  exportTarget(negotiated: NegotiatedSession, localAddress: string | null): ExportTarget;
  /** Called after the Loc-RIB may have changed. */
  onRibChanged(): void;
  /** Whether necod sent the N bit in its graceful restart capability. */
  ourNotificationBit: boolean;
  /** Upper bound on how long a restarting neighbor's routes stay (seconds). */
  staleTimeSeconds: number;
  /** The session went down; `retained` when its routes stay for a graceful restart. */
  onSessionDown?(retained: boolean): void;
  onSessionUp?(): void;
  logger: Logger;
}

export interface PeerRouteState {
  /** Families whose End-of-RIB arrived in the current session. */
  endOfRib: Family[];
  /** Routes kept from a restarting neighbor, until End-of-RIB or the timer. */
  stale: number;
  staleUntil: number | null;
  updatesRejected: Record<string, number>;
}

/** Without End-of-RIB, this long without an UPDATE counts as the initial table being complete. */
const QUIET_MS = 1000;

const ACCEPTED: UpdateVerdict = { accepted: true };

export class PeerRoutes implements UpdateSink {
  private lastActivity = 0;
  private importCtx: ImportContext | null = null;
  /**
   * The session's negotiated parameters, kept from 'established' for 'down': by the time the
   * peer reports the session down its FSM has already forgotten them.
   */
  private session: NegotiatedSession | null = null;
  private readonly eor = new Set<Family>();
  private staleTimer: NodeJS.Timeout | null = null;
  private staleUntil: number | null = null;
  private readonly rejected: Record<string, number> = {};
  /** The neighbor's Address Prefix ORF per family, in this session (RFC 5291). */
  private orf: Partial<Record<Family, OrfFilter>> = {};
  /** What the exporter sends this session by; its target is replaced when policy is reloaded. */
  private exportSession: ExportSession | null = null;
  private readonly log: Logger;

  constructor(private readonly o: PeerRoutesOptions) {
    this.log = o.logger.child({ neighbor: o.source.name });
    o.peer.on('established', (n) => this.onEstablished(n));
    o.peer.setUpdateSink(this);
    o.peer.on('routeRefresh', (afi, safi, subtype, orf) => void this.onRouteRefresh(afi, safi, subtype, orf));
    o.peer.on('down', (d) => this.onDown(d));
  }

  state(): PeerRouteState {
    return { endOfRib: [...this.eor], stale: this.o.rib.staleCount(this.o.source.index), staleUntil: this.staleUntil, updatesRejected: { ...this.rejected } };
  }

  /**
   * The neighbor's initial table is in: End-of-RIB for every negotiated family. A neighbor
   * that did not advertise graceful restart may never send End-of-RIB (BIRD sends it only with
   * graceful restart configured), so for it a quiet second after the last UPDATE will do.
   */
  converged(now = Date.now()): boolean {
    const n = this.session;
    if (n === null) return false;
    if (n.families.every((f) => this.eor.has(f))) return true;
    return n.gracefulRestart === null && now - this.lastActivity >= QUIET_MS;
  }

  private onEstablished(n: NegotiatedSession): void {
    const local = this.o.peer.status().local?.address ?? null;
    this.o.source.routerId = n.peerRouterId;
    this.o.source.peerAs = n.peerAs;
    this.importCtx = this.o.importContext(n, local);
    this.session = n;
    this.lastActivity = Date.now();
    this.eor.clear();
    this.orf = {};
    // RFC 4724 §4.2: a neighbor that comes back without graceful restart, or without the
    // forwarding bit for a family, loses its stale routes at once.
    if (this.o.rib.staleCount(this.o.source.index) > 0) {
      const gr = n.gracefulRestart;
      for (const f of ['ipv4', 'ipv6'] as const) {
        if (!gr || !gr.forwarding.includes(f) || !n.families.includes(f)) this.sweep(f, 'restarted without preserved forwarding');
      }
    }
    this.o.onSessionUp?.();
    const peer = this.o.peer;
    this.exportSession = {
      target: this.o.exportTarget(n, local),
      ctx: n.tx,
      families: n.families,
      send: async (messages) => {
        for (const m of messages) if (!peer.send(m)) await peer.writable();
      },
    };
    void this.o.exporter.attach(this.exportSession);
  }

  /**
   * Applies changed import or export settings to the live session without resetting it
   * (soft reconfiguration). Export: every route is evaluated again and the differences go out.
   * Import: the neighbor is asked to send its routes again (RFC 2918), which the new settings
   * filter; answers false when it cannot be asked (route refresh not negotiated), in which case
   * only a reset applies the new import settings.
   */
  reapply(what: { import: boolean; export: boolean }): boolean {
    const n = this.session;
    if (n === null) return true;
    const local = this.o.peer.status().local?.address ?? null;
    if (what.export && this.exportSession) {
      this.exportSession.target = this.o.exportTarget(n, local);
      this.o.exporter.reevaluate(this.o.source.name);
    }
    if (!what.import) return true;
    this.importCtx = this.o.importContext(n, local);
    return this.refreshIn();
  }

  /** Asks the neighbor for its routes again (RFC 2918 §3); false when route refresh was not negotiated. */
  refreshIn(): boolean {
    const n = this.session;
    if (n === null || !n.routeRefresh) return false;
    for (const f of n.families) this.o.peer.requestRefresh(f);
    return true;
  }

  /** Sends the whole Adj-RIB-Out again, as the answer to a ROUTE-REFRESH would (RFC 2918 §4). */
  async resendOut(): Promise<void> {
    const n = this.session;
    if (n === null) return;
    for (const f of n.families) await this.o.peer.sendRefreshAnswer(f, this.o.exporter.refreshMessages(this.o.source.name, f));
  }

  /**
   * One UPDATE from the session: imported, counted against the limit, and only then applied.
   * A refused UPDATE leaves the RIB as it was; the session then closes (RFC 4486).
   */
  receive({ message: msg, outcome, maxPrefixes }: ReceivedUpdate): UpdateVerdict {
    const ctx = this.importCtx;
    if (!ctx) return ACCEPTED;
    this.lastActivity = Date.now();
    const eor = endOfRibFamily(msg);
    if (eor) {
      this.eor.add(eor);
      this.sweep(eor, 'End-of-RIB');
      this.o.onRibChanged();
      return ACCEPTED;
    }
    const r = importUpdate(msg, outcome, ctx);
    if (maxPrefixes !== null) {
      const over = this.overLimit(r, maxPrefixes);
      if (over) return over;
    }
    this.o.rib.applyImport(this.o.source.index, r);
    if (r.rejected) this.rejected[r.rejected] = (this.rejected[r.rejected] ?? 0) + 1;
    if (r.policyRejected) this.rejected.policy = (this.rejected.policy ?? 0) + r.policyRejected;
    this.o.onRibChanged();
    return ACCEPTED;
  }

  /**
   * RFC 4486 §4 counts what the neighbor holds after import policy: the Adj-RIB-In now, plus
   * what the UPDATE adds, minus what it withdraws. Checked for the families it announces.
   */
  private overLimit(r: ReturnType<typeof importUpdate>, limit: number): UpdateVerdict | null {
    const rib = this.o.rib;
    const src = this.o.source.index;
    const delta = { ipv4: 0, ipv6: 0 };
    const announced = { ipv4: false, ipv6: false };
    for (const a of r.announcements) {
      const f: Family = a.list.afi === 1 ? 'ipv4' : 'ipv6';
      announced[f] = true;
      for (let i = 0; i < a.list.count; i++) if (!rib.holds(src, rib.keys.keyAt(a.list, i))) delta[f]++;
    }
    for (const w of r.withdrawals) {
      const f: Family = w.afi === 1 ? 'ipv4' : 'ipv6';
      for (let i = 0; i < w.count; i++) {
        const key = w.afi === 1 ? w.keys[i]! : rib.keys.v6.findKey(w, i); // i < count
        if (key >= 0 && rib.holds(src, key)) delta[f]--;
      }
    }
    for (const f of ['ipv4', 'ipv6'] as const) {
      const count = rib.adjRibInCount(src, f) + delta[f];
      if (announced[f] && count > limit) return { accepted: false, family: f, count, limit };
    }
    return null;
  }

  private async onRouteRefresh(afi: number, safi: number, subtype: number, orf: RefreshOrf | null): Promise<void> {
    const family = familyOf(afi, safi);
    if (!family) return;
    if (orf) {
      // RFC 5291 §4: the entries change the filter now; DEFER holds the re-send back until
      // a later refresh of the family asks for it.
      let filter = this.orf[family] ?? [];
      for (const g of orf.groups) filter = applyOrfEntries(filter, g.entries ?? [], g.malformed !== null || orf.malformed !== null);
      this.orf[family] = filter;
      this.log.info({ family, rules: filter.length, when: orf.whenToRefresh }, 'prefix ORF from the neighbor');
      if (orf.whenToRefresh === WhenToRefresh.DEFER) return;
    }
    if (subtype === 0 && this.orf[family] !== undefined) await this.o.exporter.setOrf(this.o.source.name, family, this.orf[family] ?? []);
    const src = this.o.source.index;
    if (subtype === 1) {
      // RFC 7313 §4: BoRR — what the neighbor does not re-send before EoRR is gone.
      this.o.rib.markStale(src, family);
      return;
    }
    if (subtype === 2) {
      this.sweep(family, 'EoRR');
      this.o.onRibChanged();
      return;
    }
    await this.o.peer.sendRefreshAnswer(family, this.o.exporter.refreshMessages(this.o.source.name, family));
  }

  private onDown(d: Parameters<typeof retainRoutesOnDown>[2]): void {
    const n = this.session;
    this.session = null;
    this.exportSession = null;
    this.o.exporter.detach(this.o.source.name);
    this.importCtx = null;
    this.eor.clear();
    const src = this.o.source.index;
    if (n && retainRoutesOnDown(n, this.o.ourNotificationBit, d)) {
      const kept = this.o.rib.markStale(src);
      const wait = restartWaitMs(n, this.o.staleTimeSeconds);
      this.log.info({ kept, waitMs: wait }, 'neighbor down, keeping its routes for graceful restart');
      if (this.staleTimer) clearTimeout(this.staleTimer);
      this.staleUntil = Date.now() + wait;
      this.staleTimer = setTimeout(() => {
        this.staleTimer = null;
        this.sweep(undefined, 'graceful restart time ran out');
        this.o.onRibChanged();
      }, wait);
      this.staleTimer.unref();
      this.o.onSessionDown?.(true);
      return;
    }
    this.o.onSessionDown?.(false);
    this.o.rib.withdrawAll(src);
    this.o.onRibChanged();
  }

  private sweep(family: Family | undefined, why: string): void {
    const n = this.o.rib.sweepStale(this.o.source.index, family);
    if (n) this.log.info({ removed: n, family: family ?? 'all', why }, 'stale routes removed');
    if (this.o.rib.staleCount(this.o.source.index) === 0) {
      if (this.staleTimer) clearTimeout(this.staleTimer);
      this.staleTimer = null;
      this.staleUntil = null;
    }
  }

  close(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
  }
}
