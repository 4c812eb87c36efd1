// The JSON view of a decode result, as printed by `necod-cli decode`. The keys are a
// stable interface (docs/decode-json.md).
import { attributeName, attributesToJSON } from './attributes.js';
import { toHex } from './hex.js';
import { errorCodeName, errorSubcodeName } from './constants.js';
import { prefixesJSON } from './attr-mp.js';
import type { DecodeResult } from './message.js';
import { REFRESH_SUBTYPE_NAMES } from './route-refresh.js';
import { refreshOrfToJSON } from './orf.js';
import { endOfRibFamily } from './update.js';
import { notificationToJSON } from './notification.js';
import { openToJSON } from './open.js';

export function decodeResultToJSON(r: DecodeResult): Record<string, unknown> {
  if (r.outcome === 'incomplete') return { type: null, outcome: 'incomplete', needed: r.needed };
  if (r.outcome === 'notification') {
    return {
      type: r.messageType,
      outcome: 'notification',
      notification: {
        code: r.notification.code,
        subcode: r.notification.subcode,
        code_name: errorCodeName(r.notification.code),
        subcode_name: errorSubcodeName(r.notification.code, r.notification.subcode),
        data: toHex(r.notification.data),
      },
      reason: r.reason,
      ...(r.length !== null ? { length: r.length } : {}),
    };
  }
  const m = r.message;
  const base: Record<string, unknown> = { type: m.type, outcome: r.outcome, length: r.length };
  if (r.outcome === 'attribute-discard' || r.discarded.length) base.discarded = r.discarded;
  if (r.issues.length) {
    base.issues = r.issues.map((i) => ({
      attribute: attributeName(i.code),
      code: i.code,
      action: i.action,
      reason: i.reason,
      rule: i.rule,
      notification: i.notification && { code: i.notification.code, subcode: i.notification.subcode, data: toHex(i.notification.data) },
    }));
  }
  switch (m.type) {
    case 'OPEN':
      return { ...base, ...openToJSON(m) };
    case 'UPDATE': {
      const eor = endOfRibFamily(m);
      return {
        ...base,
        withdrawn: prefixesJSON(m.withdrawn),
        attributes: attributesToJSON(m.attributes),
        nlri: prefixesJSON(m.nlri),
        ...(eor ? { end_of_rib: eor } : {}),
      };
    }
    case 'NOTIFICATION':
      return { ...base, ...notificationToJSON(m) };
    case 'KEEPALIVE':
      return base;
    case 'ROUTE-REFRESH':
      return { ...base, afi: m.afi, safi: m.safi, subtype: m.subtype, subtype_name: REFRESH_SUBTYPE_NAMES[m.subtype] ?? 'reserved', ...(m.orf ? { orf: refreshOrfToJSON(m.orf) } : {}) };
  }
}
