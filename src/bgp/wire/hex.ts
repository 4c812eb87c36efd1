// Bytes as hex text, for logs, JSON and the CLI's `decode` input: the codec's one hex helper.

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Hex digits, spaces and colons allowed between them; null when it is not hex. */
export function fromHex(s: string): Uint8Array | null {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
