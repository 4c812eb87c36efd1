// Sessions between necod and FRR bgpd (see sessions-suite.ts for the topology and the cases).
import { FrrPeer } from './harness/index.js';
import { describeSessions } from './sessions-suite.js';

describeSessions({ title: 'FRR', makePeer: (lab, ns, spec) => new FrrPeer(lab, ns, spec) });
