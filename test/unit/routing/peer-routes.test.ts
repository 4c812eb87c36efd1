import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { NegotiatedSession } from '../../../src/bgp/negotiate.js';
import type { PeerDown, PeerEvents, UpdateSink, UpdateVerdict } from '../../../src/bgp/peer-types.js';
import type { UpdateOutcome } from '../../../src/bgp/fsm-types.js';
import type { Peer } from '../../../src/bgp/peer.js';
import { AS4_CONTEXT, encodeEndOfRib, decodeMessage, makeAttribute, prefixListFrom, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { Exporter } from '../../../src/rib/exporter.js';
import { Rib } from '../../../src/rib/rib.js';
import { PeerRoutes } from '../../../src/routing/peer-routes.js';
import { subnetOf } from '../../../src/net/index.js';
import { bgpSource } from '../rib/fixtures.js';
import { negotiatedSession } from '../../support/fixtures/session.js';

class FakePeer extends EventEmitter<PeerEvents> {
  negotiated: NegotiatedSession | null = null;
  sent: Uint8Array[] = [];
  sink: UpdateSink | null = null;
  setUpdateSink(sink: UpdateSink) {
    this.sink = sink;
  }
  /** What the real Peer does with an UPDATE: hand it to the sink and act on the verdict. */
  deliver(message: UpdateMessage, outcome: UpdateOutcome, maxPrefixes: number | null = null): UpdateVerdict {
    if (!this.sink) throw new Error('no sink');
    return this.sink.receive({ message, outcome, issues: [], maxPrefixes });
  }
  status() {
    return { negotiated: this.negotiated, local: { address: '10.69.0.5', port: 40000 } };
  }
  send(b: Uint8Array) {
    this.sent.push(b);
    return true;
  }
  writable() {
    return Promise.resolve();
  }
  async sendRefreshAnswer() {
    return true;
  }
}

function update(prefixes: string[]): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: prefixListFrom(1, []) as UpdateMessage['nlri'],
    attributes: [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', []), makeAttribute('NEXT_HOP', parseIpv4('10.99.0.1')!)],
    nlri: prefixListFrom(1, prefixes) as UpdateMessage['nlri'],
  };
}

function eor(): UpdateMessage {
  const r = decodeMessage(encodeEndOfRib('ipv4', AS4_CONTEXT), AS4_CONTEXT);
  if (r.outcome !== 'ok' || r.message.type !== 'UPDATE') throw new Error('no EoR');
  return r.message;
}

function setup() {
  const rib = new Rib();
  const source = bgpSource(0, { address: '10.69.0.1', name: 'tor1' });
  rib.addSource(source);
  const exporter = new Exporter(rib);
  const peer = new FakePeer();
  let changes = 0;
  const routes = new PeerRoutes({
    peer: peer as unknown as Peer,
    rib,
    exporter,
    source,
    importContext: (n) => ({
      neighborName: 'tor1',
      localAs: 64600,
      routerId: parseIpv4('10.69.0.5')!,
      clusterId: parseIpv4('10.69.0.5')!,
      ibgp: true,
      as4: n.as4,
      peerAddress: '10.69.0.1',
      rewriteSubnet: { ipv4: subnetOf('10.69.0.5', 26), ipv6: null },
      interfaceName: 'up1',
      policy: null,
    }),
    exportTarget: () => ({
      name: 'tor1',
      sourceIndex: 0,
      ibgp: true,
      localAs: 64600,
      routerId: 1,
      clusterId: 1,
      routeReflectorClient: false,
      as4: true,
      selfNextHop: { ipv4: '10.69.0.5', ipv6: null, ipv6LinkLocal: null },
      mode: 'local',
      policy: null,
    }),
    onRibChanged: () => changes++,
    ourNotificationBit: true,
    staleTimeSeconds: 300,
    logger: pino({ level: 'silent' }),
  });
  const up = (n: NegotiatedSession) => {
    peer.negotiated = n;
    peer.emit('established', n);
  };
  // As the real Peer: its FSM has forgotten the negotiated session when 'down' is reported.
  const down = (d: PeerDown) => {
    peer.negotiated = null;
    peer.emit('down', d);
  };
  return { rib, peer, routes, up, down, changes: () => changes, key: (p: string) => rib.keys.parse(p) as number };
}

describe('PeerRoutes', () => {
  it('imports UPDATEs with the next hop rewritten, and counts End-of-RIB', () => {
    const t = setup();
    t.up(negotiatedSession());
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    expect(t.rib.adjRibInEntry(0, t.key('10.1.0.0/24'))?.attrs.nextHop).toBe('10.69.0.1');
    expect(t.routes.converged()).toBe(false);
    t.peer.deliver(eor(), 'ok');
    expect(t.routes.converged()).toBe(true);
  });

  it('drops the routes of a neighbor without graceful restart at once', () => {
    const t = setup();
    t.up(negotiatedSession());
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.down({ reason: 'hold timer expired', error: null });
    expect(t.rib.size).toBe(0);
  });

  it('keeps a restarting neighbor’s routes stale and sweeps what End-of-RIB did not refresh (RFC 4724 §4.2)', () => {
    const t = setup();
    t.up(negotiatedSession({ gracefulRestart: {} }));
    t.peer.deliver(update(['10.1.0.0/24', '10.2.0.0/24']), 'ok');
    t.down({ reason: 'connection reset', error: null });
    expect(t.rib.size).toBe(2);
    expect(t.rib.staleCount(0)).toBe(2);
    expect(t.routes.state().staleUntil).not.toBeNull();
    t.up(negotiatedSession({ gracefulRestart: {} }));
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    expect(t.rib.staleCount(0)).toBe(1);
    t.peer.deliver(eor(), 'ok');
    expect(t.rib.size).toBe(1);
    expect(t.rib.staleCount(0)).toBe(0);
    t.routes.close();
  });

  it('does not keep routes after a NOTIFICATION unless both sent the N bit, and never after Hard Reset (RFC 8538)', () => {
    const cease = (subcode: number): PeerDown => ({
      reason: 'notification',
      error: { time: 0, direction: 'received', code: 6, subcode, name: 'Cease', shutdownCommunication: null, data: '', reason: '' },
    });
    let t = setup();
    t.up(negotiatedSession({ gracefulRestart: {} }));
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.down(cease(2));
    expect(t.rib.size).toBe(0);
    t = setup();
    t.up(negotiatedSession({ gracefulRestart: { notification: true } }));
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.down(cease(2));
    expect(t.rib.size).toBe(1);
    t.routes.close();
    t = setup();
    t.up(negotiatedSession({ gracefulRestart: { notification: true } }));
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.down(cease(9));
    expect(t.rib.size).toBe(0);
  });

  it('a neighbor that returns without graceful restart loses its stale routes', () => {
    const t = setup();
    t.up(negotiatedSession({ gracefulRestart: {} }));
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.down({ reason: 'connection reset', error: null });
    t.up(negotiatedSession());
    expect(t.rib.size).toBe(0);
  });

  it('BoRR marks the family stale and EoRR sweeps what was not re-sent (RFC 7313 §4)', async () => {
    const t = setup();
    t.up(negotiatedSession({ gracefulRestart: {} }));
    t.peer.deliver(update(['10.1.0.0/24', '10.2.0.0/24']), 'ok');
    t.peer.emit('routeRefresh', 1, 1, 1, null);
    await new Promise((r) => setImmediate(r));
    t.peer.deliver(update(['10.2.0.0/24']), 'ok');
    t.peer.emit('routeRefresh', 1, 1, 2, null);
    await new Promise((r) => setImmediate(r));
    expect(t.rib.size).toBe(1);
    expect(t.rib.selected(t.key('10.2.0.0/24'))).not.toBeNull();
  });

  it('treat-as-withdraw removes what the UPDATE carried', () => {
    const t = setup();
    t.up(negotiatedSession());
    t.peer.deliver(update(['10.1.0.0/24']), 'ok');
    t.peer.deliver(update(['10.1.0.0/24']), 'treat-as-withdraw');
    expect(t.rib.size).toBe(0);
    expect(t.routes.state().updatesRejected['treat-as-withdraw']).toBe(1);
  });
  it('judges the prefix limit before changing anything: a refused UPDATE leaves the RIB as it was (RFC 4486)', () => {
    const t = setup();
    t.up(negotiatedSession());
    expect(t.peer.deliver(update(['10.1.0.0/24', '10.2.0.0/24']), 'ok', 3)).toEqual({ accepted: true });
    // Re-announcing held prefixes does not count twice.
    expect(t.peer.deliver(update(['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24']), 'ok', 3)).toEqual({ accepted: true });
    const changesBefore = t.changes();
    expect(t.peer.deliver(update(['10.4.0.0/24']), 'ok', 3)).toEqual({ accepted: false, family: 'ipv4', count: 4, limit: 3 });
    expect(t.rib.size).toBe(3);
    expect(t.rib.selected(t.key('10.4.0.0/24'))).toBeNull();
    expect(t.changes()).toBe(changesBefore);
  });
});
