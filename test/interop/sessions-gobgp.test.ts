// Sessions between necod and GoBGP (see sessions-suite.ts for the topology and the cases).
import { GobgpPeer, field, num, parseJson, waitFor } from './harness/index.js';
import { describeSessions } from './sessions-suite.js';

let gobgp: GobgpPeer | undefined;

function peer(): GobgpPeer {
  if (gobgp === undefined) throw new Error('GoBGP not started');
  return gobgp;
}

describeSessions({
  title: 'GoBGP',
  makePeer: (lab, ns, spec) => (gobgp = new GobgpPeer(lab, ns, spec)),
  recoverMs: 30_000,
  // GoBGP 3.10 closes a connection it accepts while its own is past Active.
  collision: 'peer-refuses-second',
  badPeerAsAtPeer: {
    // GoBGP 3.10 logs no NOTIFICATION it receives before Established; its message counters do count it.
    received: async (neighbor) => {
      await waitFor(
        async () => {
          const doc = parseJson(await peer().gobgp(['neighbor', neighbor, '-j']), 'gobgp neighbor');
          const received = num(field(field(field(field(doc, 'state'), 'messages'), 'received'), 'notification')) ?? 0;
          return received > 0;
        },
        { timeoutMs: 15_000, what: `GoBGP to count a NOTIFICATION from ${neighbor}` },
      );
    },
    // Its "sent notification" log line for a refused OPEN has only the reason text, no code.
    sent: async (neighbor) => {
      await waitFor(
        async () => {
          const e = await peer().lastError(neighbor);
          return e?.direction === 'sent' && /as number mismatch expected 65098, received 65000/.test(e.text);
        },
        { timeoutMs: 15_000, what: `GoBGP to log the Bad Peer AS it sent to ${neighbor}` },
      );
    },
  },
});
