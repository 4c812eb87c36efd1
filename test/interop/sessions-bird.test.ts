// Sessions between necod and BIRD 2 (see sessions-suite.ts for the topology and the cases).
import { BirdPeer } from './harness/index.js';
import { describeSessions } from './sessions-suite.js';

describeSessions({ title: 'BIRD 2', makePeer: (lab, ns, spec) => new BirdPeer(lab, ns, spec) });
