/**
 * A stored (normalised) user code as people see it on the device: `BCDFGHJK` → `BCDF-GHJK`.
 * Anything that is not 8 characters is returned as it is.
 */
export function formatUserCode(normalized: string): string {
  return normalized.length === 8 ? `${normalized.slice(0, 4)}-${normalized.slice(4)}` : normalized;
}
