// Typed decode failures. Decoders throw these internally, built by the constructors below
// (one per RFC 4271 §4.5 error code); the public entry points (decodeMessage, …) catch them
// and return plain result objects, so no caller ever sees an exception for bad input.
// Anything else thrown is a bug.

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

const EMPTY = new Uint8Array(0);

/** RFC 4271 §6.1: Message Header Error (1). */
export function headerError(subcode: number, data: Uint8Array, reason: string): WireError {
  return new WireError(1, subcode, data, reason);
}

/** RFC 4271 §6.2: OPEN Message Error (2). */
export function openError(subcode: number, reason: string, data: Uint8Array = EMPTY): WireError {
  return new WireError(2, subcode, data, reason);
}

/** RFC 4271 §6.3: UPDATE Message Error (3). */
export function updateError(subcode: number, reason: string, data: Uint8Array = EMPTY): WireError {
  return new WireError(3, subcode, data, reason);
}

/** RFC 7313 §5: ROUTE-REFRESH Message Error (7), Invalid Message Length (1), the message as data. */
export function refreshLengthError(message: Uint8Array, reason: string): WireError {
  return new WireError(7, 1, message, reason);
}

export function u16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}
