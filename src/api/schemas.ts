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
  },
} as const;

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
