// Typed decode failures. Decoders throw these internally; the public entry points
// (decodeMessage, decodeUpdate, …) catch them and return plain result objects, so no
// caller ever sees an exception for bad input. Anything else thrown is a bug.

/** What a correct speaker puts in the NOTIFICATION it sends (RFC 4271 §4.5). */
export interface NotificationSpec {
  code: number;
  subcode: number;
  data: Uint8Array;
}

/** RFC 7606 §2 approaches, weakest last. */
export type ErrorAction = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

const ACTION_STRENGTH: Record<ErrorAction, number> = {
  'session-reset': 3,
  'treat-as-withdraw': 2,
  'attribute-discard': 1,
};

/** RFC 7606 §3(h): with several errors in one UPDATE, the strongest approach wins. */
export function strongerAction(a: ErrorAction | null, b: ErrorAction): ErrorAction {
  if (a === null) return b;
  return ACTION_STRENGTH[b] > ACTION_STRENGTH[a] ? b : a;
}

/** A message that ends the session: the NOTIFICATION to send and why. */
export class WireError extends Error {
  readonly notification: NotificationSpec;
  constructor(code: number, subcode: number, data: Uint8Array, reason: string) {
    super(reason);
    this.name = 'WireError';
    this.notification = { code, subcode, data };
  }
}

/** A malformed path attribute; `action` says how RFC 7606 (or the attribute's RFC) handles it. */
export class AttributeError extends Error {
  readonly action: ErrorAction;
  readonly notification: NotificationSpec;
  constructor(action: ErrorAction, subcode: number, data: Uint8Array, reason: string) {
    super(reason);
    this.name = 'AttributeError';
    this.action = action;
    this.notification = { code: 3, subcode, data };
  }
}

export function u16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}
