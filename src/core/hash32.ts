/**
 * A 32-bit hash for stable assignment (a case to its shard, a user to an A/B variant): FNV-1a over
 * the units given (a string's UTF-16 code units, or bytes), then MurmurHash3's finaliser so that
 * keys differing only at the end spread over the range. No dependency and no I/O, so
 * `convotest/assign` stays loadable anywhere.
 * @example hash32(new TextEncoder().encode('refund-window')) // the same on every machine
 */
export function hash32(units: string | ArrayLike<number>): number {
  let h = 0x811c9dc5;
  if (typeof units === 'string') for (let i = 0; i < units.length; i++) h = Math.imul(h ^ units.charCodeAt(i), 0x01000193);
  else for (let i = 0; i < units.length; i++) h = Math.imul(h ^ units[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
