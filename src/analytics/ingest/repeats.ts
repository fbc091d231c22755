/**
 * Finds the event ids a file may repeat, in one pass and a few MB, so that the store checks only
 * those instead of grouping every id it loaded (an aggregate over 10 M ids went past DuckDB's
 * memory limit and 500 MB of RSS). A blocked Bloom filter: each id sets 8 bits in one 512-bit
 * block (one cache line), chosen by two 32-bit hashes of the id. A filter never forgets, so the
 * second occurrence of an id always finds its bits set and becomes a candidate; an id seen once
 * may also find them set by others (a false candidate, which the store's exact check clears).
 * Past `maxCandidates` it gives up (`candidates()` is undefined): the store then checks every id.
 * @example const repeats = new RepeatFilter(fileBytes); repeats.add('e1'); repeats.candidates(); // []
 */
export class RepeatFilter {
  private readonly bits: Uint32Array;
  private readonly blocks: number;
  private readonly found = new Set<string>();
  private overflow = false;

  /**
   * `bytes`: the file's size. A valid event line has at least ~110 bytes, so bytes / 11 bits
   * give every possible event ≥ 10 bits (≈ 1 % false candidates at worst; 22 bits and well under
   * 0.1 % for the synthetic traffic's 240-byte lines); 27 MB for a 2.4 GB file.
   */
  constructor(bytes: number, private readonly maxCandidates = 100_000) {
    this.blocks = Math.max(8, Math.ceil(bytes / 11 / 512));
    this.bits = new Uint32Array(this.blocks * 16);
  }

  /** Adds an id; true when it may have been added before (it is then a candidate). */
  add(id: string): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    const base = ((h1 >>> 0) % this.blocks) * 16;
    const step = Math.imul(h1 ^ h2, 0x27d4eb2d) | 1;
    let seen = true;
    for (let k = 0; k < 8; k++) {
      const bit = (h2 + Math.imul(k, step)) >>> 23; // double hashing: the top 9 bits, one of 512
      const word = base + (bit >>> 5);
      const mask = 1 << (bit & 31);
      if ((this.bits[word]! & mask) === 0) {
        seen = false;
        this.bits[word] = this.bits[word]! | mask;
      }
    }
    if (seen && !this.overflow) {
      this.found.add(id);
      if (this.found.size > this.maxCandidates) {
        this.overflow = true;
        this.found.clear();
      }
    }
    return seen;
  }

  /** The ids that may be repeated (every repeated one among them), or undefined past the cap. */
  candidates(): string[] | undefined {
    return this.overflow ? undefined : [...this.found];
  }
}
