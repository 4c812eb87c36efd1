/**
 * JSON schemas of the API. fastify validates requests and serializes responses with them, so a
 * response never carries more than is declared here. They mirror src/api/types.ts.
 */

const addPathMode = { type: 'string', enum: ['none', 'receive', 'send', 'both'] } as const;

const messageCounts = {
  type: 'object',
  required: ['open', 'update', 'notification', 'keepalive', 'routeRefresh'],
  properties: {
    open: { type: 'integer' },
    update: { type: 'integer' },
    notification: { type: 'integer' },
    keepalive: { type: 'integer' },
    routeRefresh: { type: 'integer' },
  },
} as const;

const negotiatedCapabilities = {
  type: ['object', 'null'],
  required: [
    'fourOctetAs',
    'routeRefresh',
    'enhancedRouteRefresh',
    'gracefulRestart',
    'addPath',
    'extendedMessage',
    'families',
    'holdTime',
    'keepaliveTime',
  ],
  properties: {
    fourOctetAs: { type: 'boolean' },
    routeRefresh: { type: 'boolean' },
    enhancedRouteRefresh: { type: 'boolean' },
    gracefulRestart: { type: 'boolean' },
    addPath: {
      type: 'object',
      required: ['ipv4', 'ipv6'],
      properties: { ipv4: addPathMode, ipv6: addPathMode },
    },
    extendedMessage: { type: 'boolean' },
    families: { type: 'array', items: { type: 'string' } },
    holdTime: { type: 'integer' },
    keepaliveTime: { type: 'integer' },
  },
} as const;

const counters = {
  type: 'object',
  required: ['messagesIn', 'messagesOut', 'updatesIn', 'updatesOut', 'prefixesReceived', 'prefixesWithdrawn', 'flaps'],
  properties: {
    messagesIn: messageCounts,
    messagesOut: messageCounts,
    updatesIn: { type: 'integer' },
    updatesOut: { type: 'integer' },
    prefixesReceived: { type: 'integer' },
    prefixesWithdrawn: { type: 'integer' },
    flaps: { type: 'integer' },
  },
} as const;

const lastError = {
  type: ['object', 'null'],
  required: ['time', 'direction', 'code', 'subcode', 'codeName', 'subcodeName'],
  properties: {
    time: { type: 'string' },
    direction: { type: 'string', enum: ['sent', 'received', 'local'] },
    code: { type: 'integer' },
    subcode: { type: 'integer' },
    codeName: { type: 'string' },
    subcodeName: { type: 'string' },
    text: { type: 'string' },
  },
} as const;

const endpoint = {
  type: ['object', 'null'],
  required: ['address', 'port'],
  properties: { address: { type: 'string' }, port: { type: 'integer' } },
} as const;

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

const neighborDetail = {
  type: 'object',
  required: ['local', 'remote', 'connectRetryCounter', 'peerRouterId', 'peerHostname', 'peerCapabilities', 'configured', 'prefixes', 'timers', 'rejectedUpdates', 'gracefulRestart'],
  properties: {
    local: endpoint,
    remote: endpoint,
    connectRetryCounter: { type: 'integer' },
    peerRouterId: { type: ['string', 'null'] },
    peerHostname: { type: ['string', 'null'] },
    peerCapabilities: strings,
    configured: {
      type: 'object',
      required: ['holdTime', 'keepaliveTime', 'passive', 'families', 'capabilities', 'import', 'export'],
      properties: {
        holdTime: { type: 'integer' },
        keepaliveTime: { type: 'integer' },
        passive: { type: 'boolean' },
        families: strings,
        capabilities: {
          type: 'object',
          properties: {
            fourOctetAs: { type: 'boolean' },
            routeRefresh: { type: 'boolean' },
            enhancedRouteRefresh: { type: 'boolean' },
            gracefulRestart: { type: 'boolean' },
            addPath: addPathMode,
            extendedMessage: { type: 'boolean' },
          },
        },
        import: { type: 'string' },
        export: { type: 'string' },
      },
    },
    prefixes: {
      type: 'object',
      required: ['received', 'best', 'exported', 'filtered', 'stale'],
      properties: {
        received: { type: 'integer' },
        best: { type: 'integer' },
        exported: { type: 'integer' },
        filtered: { type: 'integer' },
        stale: { type: 'integer' },
      },
    },
    timers: {
      type: 'object',
      description: 'Seconds until each FSM timer fires; null when it is not running',
      required: ['hold', 'keepalive', 'connectRetry', 'idleHold', 'delayOpen'],
      properties: {
        hold: { type: ['number', 'null'] },
        keepalive: { type: ['number', 'null'] },
        connectRetry: { type: ['number', 'null'] },
        idleHold: { type: ['number', 'null'] },
        delayOpen: { type: ['number', 'null'] },
      },
    },
    rejectedUpdates: counts,
    gracefulRestart: {
      type: 'object',
      required: ['negotiated', 'endOfRib', 'staleUntil'],
      properties: { negotiated: { type: 'boolean' }, endOfRib: strings, staleUntil: { type: ['string', 'null'] } },
    },
  },
} as const;

export const neighborViewSchema = {
  type: 'object',
  required: [
    'name',
    'address',
    'remoteAs',
    'localAs',
    'state',
    'since',
    'uptimeSeconds',
    'lastStateChangeReason',
    'capabilities',
    'counters',
    'lastError',
  ],
  properties: {
    name: { type: 'string' },
    address: { type: 'string' },
    remoteAs: { type: 'integer' },
    localAs: { type: 'integer' },
    state: { type: 'string', enum: ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] },
    since: { type: 'string' },
    uptimeSeconds: { type: ['integer', 'null'] },
    lastStateChangeReason: { type: 'string' },
    capabilities: negotiatedCapabilities,
    counters,
    lastError,
    bfd: { type: 'string', enum: ['AdminDown', 'Down', 'Init', 'Up'] },
    detail: neighborDetail,
  },
} as const;

export const statusSchema = {
  type: 'object',
  required: ['version', 'routerId', 'asn', 'startedAt', 'uptimeSeconds', 'ready', 'neighbors', 'routes', 'kernel'],
  properties: {
    version: { type: 'string' },
    routerId: { type: 'string' },
    asn: { type: 'integer' },
    startedAt: { type: 'string' },
    uptimeSeconds: { type: 'integer' },
    ready: { type: 'boolean' },
    neighbors: { type: 'object', required: ['total', 'byState'], properties: { total: { type: 'integer' }, byState: counts } },
    routes: { type: 'object', required: ['ipv4', 'ipv6'], properties: { ipv4: { type: 'integer' }, ipv6: { type: 'integer' } } },
    kernel: {
      type: 'object',
      required: ['enabled', 'installed', 'pending', 'failed'],
      properties: { enabled: { type: 'boolean' }, installed: { type: 'integer' }, pending: { type: 'integer' }, failed: { type: 'integer' } },
    },
    bfd: counts,
  },
} as const;

export const readinessSchema = {
  type: 'object',
  required: ['ready', 'waitingFor'],
  properties: { ready: { type: 'boolean' }, waitingFor: strings },
} as const;

/** A body-less action's answer: what was done, in words and as data. */
export const actionResultSchema = {
  type: 'object',
  required: ['ok', 'message'],
  properties: { ok: { type: 'boolean' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
} as const;

export const emptyBodySchema = { type: 'null', description: 'no body' } as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' } },
} as const;

/** The names the configuration allows; anything else cannot name a neighbor. */
export const neighborNameParamsSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', maxLength: 255 } },
} as const;
