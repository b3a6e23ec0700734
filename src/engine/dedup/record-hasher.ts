import { createBandSigner, type BandSigner } from './band-signer.js'
import { MinHasher } from './minhash.js'
import { joinNormalised } from './normalise.js'
import { Shingler, shingleSet, type ShingleOptions, type ShingleSet } from './shingles.js'
import { Tokens, type NgramHashes } from './tokens.js'

/** Everything that decides a record's hashes: two runs with equal settings give equal hashes. */
export interface HashSettings extends ShingleOptions {
  permutations: number
  bands: number
  rows: number
  /** Seed of the MinHash permutations. */
  seed: number
}

/**
 * The per-record hashing of the uniqueness checks, with its buffers kept from one record to the
 * next. `load` a record's parts (one text per compared field), then ask for its exact hash,
 * its LSH band hashes, its n-grams for contamination, or its shingle set for exact Jaccard.
 */
export class RecordHasher {
  private readonly tokens = new Tokens()
  private readonly shingler = new Shingler()
  private readonly minHasher: MinHasher
  /** Made at the first `bands` call: the hashers that only tokenise (the check worker's, which signs in batches, and the candidates' re-read) never need one. */
  private bandSigner: BandSigner | undefined
  private readonly signature: Int32Array
  private parts: readonly string[] = []
  /** The two halves of the loaded record's exact hash. */
  readonly exact = new Int32Array(2)

  constructor(readonly settings: HashSettings) {
    this.minHasher = new MinHasher(settings.permutations, settings.seed)
    this.signature = new Int32Array(settings.permutations)
  }

  /**
   * Loads one record: tokenises its parts and hashes them into `exact`. Returns its word
   * count; 0 means it has no text to compare.
   */
  load(parts: readonly string[]): number {
    this.parts = parts
    this.tokens.load(parts)
    this.tokens.digest(this.exact)
    return this.tokens.words
  }

  /** True when the loaded record is shingled by characters (fewer than `minWords` words). */
  get byCharacters(): boolean {
    return this.tokens.words < this.settings.minWords
  }

  /** Shingles and signs the loaded record: `bands` band hashes into `out[at...]`. */
  bands(out: Int32Array, at: number): void {
    const { low, count } = this.minHashShingles()
    this.bandSigner ??= createBandSigner(this.settings)
    this.bandSigner.record(low, count, out, at)
  }

  /** The loaded record's shingles for MinHash: `count` low halves in `low` (valid until the next call), to sign elsewhere. */
  minHashShingles(): { low: Int32Array; count: number } {
    if (!this.byCharacters) return this.tokens.shingleLows(this.settings.ngram)
    const count = this.shingler.characters(joinNormalised(this.parts), this.settings.charNgram)
    return { low: this.shingler.low, count }
  }

  /** The word n-grams of the loaded record, as `count` hash pairs in `low`/`high` (valid until the next call). */
  ngrams(n: number): NgramHashes {
    return this.tokens.ngrams(n)
  }

  /** The loaded record's shingles as a sorted set of 53-bit numbers, for exact Jaccard. */
  shingleSet(): ShingleSet {
    if (!this.byCharacters) {
      const { low, high, count } = this.tokens.ngrams(this.settings.ngram)
      return shingleSet(low, high, count)
    }
    const count = this.shingler.characters(joinNormalised(this.parts), this.settings.charNgram)
    return shingleSet(this.shingler.low, this.shingler.high, count)
  }

  /** The loaded record's MinHash signature (a copy), for tests and estimates. */
  signatureOf(): Int32Array {
    const { low, count } = this.minHashShingles()
    this.minHasher.signature(low, count, this.signature)
    return this.signature.slice()
  }
}
