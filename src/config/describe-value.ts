/**
 * How a YAML value is shown in an error message: the way the engineer wrote it, plus a hint for
 * the classic YAML traps (a quoted number, `yes`/`no` which YAML 1.2 reads as strings).
 */

const YAML_11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** A hint to append when `value` is a string that was probably meant as a number. */
export function numberHint(value: unknown): string {
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? ' (a string: remove the quotes)' : '';
}

/** A hint to append when `value` is a string that was probably meant as a boolean. */
export function booleanHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return ' (a string: write true or false without quotes)';
  if (YAML_11_BOOLEANS.has(lower)) return ' (YAML 1.2 reads this as a string: write true or false)';
  return '';
}
