// What two speakers agreed on that changes how bytes are read or written. One context
// describes one direction of one session: decoding uses what the peer sends us,
// encoding what we send it (ADD-PATH can differ per direction, RFC 7911 §4).
import type { Family } from '../../net/index.js';

export interface CodecContext {
  /** RFC 6793: both sides sent the 4-octet AS capability; AS_PATH carries 4-byte ASNs. */
  as4: boolean;
  /** RFC 7911: NLRI of these families carry a 4-byte path identifier in this direction. */
  addPath: Readonly<Record<Family, boolean>>;
  /** RFC 8654: messages other than OPEN and KEEPALIVE may be up to 65535 bytes. */
  extendedMessage: boolean;
}

export const DEFAULT_CONTEXT: CodecContext = Object.freeze({
  as4: false,
  addPath: Object.freeze({ ipv4: false, ipv6: false }),
  extendedMessage: false,
});

export const AS4_CONTEXT: CodecContext = Object.freeze({
  as4: true,
  addPath: Object.freeze({ ipv4: false, ipv6: false }),
  extendedMessage: false,
});

export function makeContext(partial: Partial<CodecContext> = {}): CodecContext {
  return {
    as4: partial.as4 ?? false,
    addPath: { ipv4: partial.addPath?.ipv4 ?? false, ipv6: partial.addPath?.ipv6 ?? false },
    extendedMessage: partial.extendedMessage ?? false,
  };
}
