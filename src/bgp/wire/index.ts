// The BGP wire codec: everything else imports from here.
export * from './constants.js';
export * from './context.js';
export * from './errors.js';
export * from './hex.js';
export * from './prefix.js';
export * from './attribute-types.js';
export { attributeDescriptor, attributeName, makeAttribute, decodeAttributes, encodeAttribute, encodeAttributes, attributesToJSON, type AttributeIssue } from './attributes.js';
export { asPathLength, mergeAs4Path, mergeAs4Aggregator, hasFourOctetAsn, as4PathFor } from './attr-as-path.js';
export { formatCommunity, parseCommunity, wellKnownCommunity, WELL_KNOWN_COMMUNITIES, describeExtendedCommunity } from './attr-communities.js';
export { prefixesJSON } from './attr-mp.js';
export * from './capabilities.js';
export * from './open.js';
export * from './update.js';
export * from './notification.js';
export * from './route-refresh.js';
export * from './orf.js';
export * from './message.js';
export * from './json.js';
