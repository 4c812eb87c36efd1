/**
 * Checks for single configuration values. Each is pure: a YAML scalar in, the typed value or a
 * message out; the caller adds the key path and line.
 */
import { booleanHint, describeValue, numberHint } from './describe-value.js';
import { parseIpText, type IpText } from './ip-text.js';
import { AS_TRANS, MAX_ASN, MAX_INTERFACE_NAME_BYTES, MAX_SOCKET_PATH_BYTES, MAX_UINT32 } from './defaults.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export interface ValueCheck<T> {
  /** What the key takes, as the end of "expected ...": "an integer 1..65535". */
  readonly expected: string;
  readonly check: (value: unknown) => Checked<T>;
}

export function accept<T>(value: T): Checked<T> {
  return { ok: true, value };
}

export function reject<T>(message: string): Checked<T> {
  return { ok: false, message };
}

export function mismatch<T>(expected: string, value: unknown, hint = ''): Checked<T> {
  return reject(`expected ${expected}, got ${describeValue(value)}${hint}`);
}

export function integerIn(min: number, max: number): ValueCheck<number> {
  const expected = `an integer ${min}..${max}`;
  return {
    expected,
    check: (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? accept(value)
        : mismatch(expected, value, numberHint(value)),
  };
}

/** RFC 4271 4.2: a hold time is either zero or at least three seconds. */
export const holdTime: ValueCheck<number> = {
  expected: '0 or an integer 3..65535',
  check: (value) =>
    typeof value === 'number' && Number.isInteger(value) && (value === 0 || (value >= 3 && value <= 65535))
      ? accept(value)
      : mismatch(holdTime.expected, value, numberHint(value)),
};

export const asNumber: ValueCheck<number> = {
  expected: `an integer 1..${MAX_ASN}`,
  check: (value) => {
    if (value === AS_TRANS) {
      return reject(`${AS_TRANS} is AS_TRANS (RFC 6793), a placeholder that cannot be a real AS number`);
    }
    return integerIn(1, MAX_ASN).check(value);
  },
};

export const boolean: ValueCheck<boolean> = {
  expected: 'true or false',
  check: (value) => (typeof value === 'boolean' ? accept(value) : mismatch('true or false', value, booleanHint(value))),
};

export function oneOf<T extends string>(choices: readonly T[]): ValueCheck<T> {
  const expected = `one of ${choices.join(', ')}`;
  return {
    expected,
    check: (value) =>
      typeof value === 'string' && (choices as readonly string[]).includes(value)
        ? accept(value as T)
        : mismatch(expected, value),
  };
}

export const neighborName: ValueCheck<string> = {
  expected: 'a name made of letters, digits, "_", "." and "-"',
  check: (value) =>
    typeof value === 'string' && /^[A-Za-z0-9_.-]+$/.test(value)
      ? accept(value)
      : mismatch(neighborName.expected, value),
};

export const socketPath: ValueCheck<string> = {
  expected: 'an absolute path such as /run/necod/necod.sock',
  check: (value) => {
    if (typeof value !== 'string' || !value.startsWith('/')) return mismatch(socketPath.expected, value);
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      return reject(`the path is ${bytes} bytes long; a unix socket path can have at most ${MAX_SOCKET_PATH_BYTES}`);
    }
    return accept(value);
  },
};

/** A unix group: a name or a number. */
export const groupName: ValueCheck<string> = {
  expected: 'a group name or number',
  check: (value) =>
    (typeof value === 'string' && /^[a-z_][a-z0-9_-]*\$?$/i.test(value)) || (typeof value === 'number' && Number.isInteger(value) && value >= 0)
      ? accept(String(value))
      : mismatch(groupName.expected, value),
};

export const routerId: ValueCheck<string> = {
  expected: 'a dotted IPv4 address such as 10.0.0.1',
  check: (value) => {
    const address = typeof value === 'string' ? parseIpText(value) : null;
    if (address === null || address.family !== 'ipv4') return mismatch(routerId.expected, value);
    if (address.unspecified) return reject('0.0.0.0 cannot be a router ID; use a unique non-zero IPv4 address');
    return accept(address.text);
  },
};

/** Any IPv4 or IPv6 address, including 0.0.0.0 and ::, as a listening address may be. */
export const anyAddress: ValueCheck<IpText> = {
  expected: 'an IPv4 or IPv6 address',
  check: (value) => {
    const address = typeof value === 'string' ? parseIpText(value) : null;
    return address === null ? mismatch(anyAddress.expected, value) : accept(address);
  },
};

/** An address a BGP session can run between: a single unicast host. */
export const hostAddress: ValueCheck<IpText> = {
  expected: 'an IPv4 or IPv6 address',
  check: (value) => {
    const parsed = anyAddress.check(value);
    if (!parsed.ok) return parsed;
    const address = parsed.value;
    if (address.unspecified) return reject(`${address.text} is the unspecified address, not a host`);
    if (address.multicast) return reject(`${address.text} is a multicast address, not a host`);
    if (address.v4Mapped) {
      return reject(`${address.text} is an IPv4-mapped IPv6 address; write the IPv4 address instead`);
    }
    if (address.linkLocal && address.zone === null) {
      return reject(`${address.text} is link-local and needs an interface: write it as ${address.text}%eth0`);
    }
    if (!address.linkLocal && address.zone !== null) {
      return reject(`a %zone is only meaningful on a link-local (fe80::/10) address, not on ${address.text}`);
    }
    return accept(address);
  },
};

/** The kernel's rule for interface names (dev_valid_name): 1..15 bytes, no "/", ":" or space. */
export const interfaceName: ValueCheck<string> = {
  expected: 'an interface name such as eth0',
  check: (value) => {
    if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/:\s]/.test(value)) {
      return mismatch(interfaceName.expected, value);
    }
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_INTERFACE_NAME_BYTES) {
      return reject(`"${value}" is ${bytes} bytes long; an interface name has at most ${MAX_INTERFACE_NAME_BYTES}`);
    }
    return accept(value);
  },
};

/** Any value of a 32-bit unsigned field such as LOCAL_PREF or MED. */
export const uint32 = integerIn(0, MAX_UINT32);
