export { createApiServer, type ApiDeps } from './server.js';
export { listenApi } from './listen.js';
export type {
  BgpState,
  MessageCounts,
  NegotiatedCapabilities,
  NeighborCounters,
  NeighborError,
  NeighborProvider,
  NeighborView,
} from './types.js';
export { BGP_STATES } from './types.js';
