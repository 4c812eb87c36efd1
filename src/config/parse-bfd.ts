/**
 * Reads BFD settings: the top-level `bfd:` defaults and each neighbor's `bfd:` (true, false or a
 * mapping), and checks what can be judged from the file alone: intervals of at least 1 ms, a key
 * SHA1 can carry, and single-hop BFD only to a neighbor on the local address's subnet.
 * What it is not: reading the key file (done when the daemon starts) or the BFD engine itself.
 */
import { isScalar } from 'yaml';
import type { MappingReader } from './mapping-reader.js';
import type { BfdAuthConfig, BfdDefaults, BfdGlobalConfig, NeighborBfdConfig } from './types.js';
import { prefixContainsText, subnetOf } from '../net/index.js';
import type { IpText } from './ip-text.js';
import { describeValue, numberHint } from './describe-value.js';
import { accept, boolean, integerIn, mismatch, oneOf, reject, type ValueCheck } from './value-checks.js';
import { DEFAULT_BFD_INTERVAL_MS, DEFAULT_BFD_MIN_RX_MS, DEFAULT_BFD_MULTIPLIER, DEFAULT_BFD_REALTIME_PRIORITY, MAX_BFD_INTERVAL_MS } from './defaults.js';

export const BFD_KEYS = ['interval', 'min-rx', 'multiplier'] as const;
export const NEIGHBOR_BFD_KEYS = [...BFD_KEYS, 'multihop', 'auth'] as const;
export const GLOBAL_BFD_KEYS = [...BFD_KEYS, 'realtime-priority'] as const;
export const BFD_AUTH_KEYS = ['type', 'key-id', 'secret', 'key-file'] as const;
const AUTH_TYPES = ['keyed-sha1', 'meticulous-keyed-sha1'] as const;
/** RFC 5880 §4.4: the SHA1 key field holds 20 bytes. */
const MAX_SHA1_KEY_BYTES = 20;

/** Milliseconds with microsecond precision (the wire's unit), from 1 ms up. */
export const bfdInterval: ValueCheck<number> = {
  expected: `a number of milliseconds 1..${MAX_BFD_INTERVAL_MS}`,
  check: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return mismatch(bfdInterval.expected, value, numberHint(value));
    if (value < 1) return reject(`${describeValue(value)} ms is below 1 ms, the shortest BFD interval necod runs`);
    if (value > MAX_BFD_INTERVAL_MS) return mismatch(bfdInterval.expected, value);
    if (Math.round(value * 1000) !== value * 1000) return reject(`${value} ms is finer than the microseconds BFD carries`);
    return accept(value);
  },
};

const multiplier = integerIn(1, 255);

const BUILT_IN: BfdGlobalConfig = {
  intervalMs: DEFAULT_BFD_INTERVAL_MS,
  minRxMs: DEFAULT_BFD_MIN_RX_MS,
  multiplier: DEFAULT_BFD_MULTIPLIER,
  realtimePriority: DEFAULT_BFD_REALTIME_PRIORITY,
};

/** SCHED_FIFO priorities run 1..99 (sched(7)); false keeps the BFD process off real time. */
const realtimePriority: ValueCheck<number | null> = {
  expected: 'an integer 1..99 (SCHED_FIFO priority) or false',
  check: (value) => {
    if (value === false) return accept(null);
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 99 ? accept(value) : mismatch(realtimePriority.expected, value, numberHint(value));
  },
};

/** The top-level `bfd:` mapping: the defaults of every neighbor's BFD session, and the process's scheduling. */
export function readBfdDefaults(top: MappingReader): BfdGlobalConfig | undefined {
  const block = top.mapping('bfd', GLOBAL_BFD_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return BUILT_IN;
  const intervalMs = block.optional('interval', bfdInterval, BUILT_IN.intervalMs);
  // A receiver that wants packets as fast as it sends them is the usual symmetric setup.
  const minRxMs = block.optional('min-rx', bfdInterval, intervalMs ?? BUILT_IN.minRxMs);
  const mult = block.optional('multiplier', multiplier, BUILT_IN.multiplier);
  const priority = block.optional('realtime-priority', realtimePriority, BUILT_IN.realtimePriority);
  if (intervalMs === undefined || minRxMs === undefined || mult === undefined || priority === undefined) return undefined;
  return { intervalMs, minRxMs, multiplier: mult, realtimePriority: priority };
}

/** What a neighbor's `bfd:` is judged against. */
export interface NeighborBfdFacts {
  address: IpText | undefined;
  localAddress: IpText | null | undefined;
  /** `multihop:` was written with a TTL above 1: the BGP neighbor is not directly connected. */
  bgpMultihop: boolean;
  /** next-hop-subnet-length when written: the neighbor's subnet, as the file states it. */
  subnetLength: number | null | undefined;
}

const bfdSwitch: ValueCheck<boolean> = {
  expected: 'true, false or a mapping of BFD settings',
  check: (value) => (typeof value === 'boolean' ? accept(value) : mismatch(bfdSwitch.expected, value)),
};

const filePath: ValueCheck<string> = {
  expected: 'a file path',
  check: (value) => (typeof value === 'string' && value !== '' && !value.includes('\0') ? accept(value) : mismatch(filePath.expected, value)),
};

/** A neighbor's `bfd:`: null when off (absent or false), undefined when in error. */
export function readNeighborBfd(entry: MappingReader, defaults: BfdDefaults | undefined, facts: NeighborBfdFacts): NeighborBfdConfig | null | undefined {
  const at = entry.get('bfd');
  if (at === undefined) return null;
  const base = defaults ?? BUILT_IN;
  if (at.node === null || isScalar(at.node)) {
    const on = entry.optional('bfd', bfdSwitch, false);
    if (on !== true) return on === false ? null : undefined;
    return { intervalMs: base.intervalMs, minRxMs: base.minRxMs, multiplier: base.multiplier, multihop: facts.bgpMultihop, auth: null };
  }
  const block = entry.mapping('bfd', NEIGHBOR_BFD_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return null;
  const intervalMs = block.optional('interval', bfdInterval, base.intervalMs);
  // Without min-rx, a neighbor's own interval is used both ways, as the global one is.
  const minRxMs = block.optional('min-rx', bfdInterval, block.has('interval') ? intervalMs : base.minRxMs);
  const mult = block.optional('multiplier', multiplier, base.multiplier);
  const multihop = block.optional('multihop', boolean, facts.bgpMultihop);
  const auth = readAuth(block);
  if (multihop === false) checkConnected(block, facts);
  if (!block.valid('multihop') || intervalMs === undefined || minRxMs === undefined || mult === undefined || multihop === undefined || auth === undefined) return undefined;
  return { intervalMs, minRxMs, multiplier: mult, multihop, auth };
}

function readAuth(block: MappingReader): BfdAuthConfig | null | undefined {
  const auth = block.mapping('auth', BFD_AUTH_KEYS);
  if (auth === null || auth === undefined) return auth;
  const type = auth.optional('type', oneOf(AUTH_TYPES), 'meticulous-keyed-sha1');
  const keyId = auth.required('key-id', integerIn(0, 255));
  const secret = auth.optional('secret', sha1Secret, null);
  const keyFile = auth.optional('key-file', filePath, null);
  if (secret !== undefined && keyFile !== undefined) {
    if (secret === null && keyFile === null) auth.fail('auth needs a secret or a key-file');
    if (secret !== null && keyFile !== null) auth.reject('key-file', 'give either secret or key-file, not both');
  }
  if (type === undefined || keyId === undefined || secret === undefined || keyFile === undefined || !auth.valid('key-file') || (secret === null && keyFile === null)) return undefined;
  return { type, keyId, secret, keyFile };
}

const sha1Secret: ValueCheck<string> = {
  expected: `a string of 1..${MAX_SHA1_KEY_BYTES} bytes`,
  check: (value) => {
    if (typeof value !== 'string' || value === '') return mismatch(sha1Secret.expected, value);
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_SHA1_KEY_BYTES) return reject(`the secret is ${bytes} bytes long; keyed SHA1 carries at most ${MAX_SHA1_KEY_BYTES} (RFC 5880 §4.4)`);
    return accept(value);
  },
};

/**
 * RFC 5881 §5 needs the neighbor one hop away. Judged only where the file says enough: the BGP
 * session is declared multihop, or local-address and next-hop-subnet-length are given and the
 * neighbor's address is outside that subnet of the local address.
 */
function checkConnected(block: MappingReader, facts: NeighborBfdFacts): void {
  const { address, localAddress, subnetLength } = facts;
  if (facts.bgpMultihop) {
    block.reject('multihop', 'the BGP session is multihop, so single-hop BFD cannot reach the neighbor (RFC 5881 §5); set bfd.multihop: true');
    return;
  }
  if (address === undefined || !localAddress || subnetLength === undefined || subnetLength === null) return;
  if (address.family !== localAddress.family || address.linkLocal || subnetLength > (address.family === 'ipv4' ? 32 : 128)) return;
  const subnet = `${localAddress.text}/${subnetLength}`;
  const local = subnetOf(localAddress.text.split('%')[0] ?? '', subnetLength);
  const connected = local !== null && prefixContainsText(local, address.text.split('%')[0] ?? '');
  if (!connected) {
    block.fail(`single-hop BFD needs ${address.text} on a connected subnet, but it is outside ${subnet} (local-address and next-hop-subnet-length; RFC 5881 §5); set bfd.multihop: true for a multihop session`);
  }
}
