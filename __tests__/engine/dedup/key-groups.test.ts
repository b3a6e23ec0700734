import { KeyGroups } from '../../../src/engine/dedup/near.js'
import { seededRandom } from '../../../src/engine/dedup/minhash.js'

/** The groups a stable sort of every key by its unsigned value gives: runs of two or more. */
function sortedGroups(keys: Int32Array): number[][] {
  const order = Array.from(keys.keys()).sort((a, b) => (keys[a] >>> 0) - (keys[b] >>> 0) || a - b)
  const groups: number[][] = []
  for (let start = 0; start < order.length; ) {
    let end = start + 1
    while (end < order.length && keys[order[end]] === keys[order[start]]) end++
    if (end - start > 1) groups.push(order.slice(start, end))
    start = end
  }
  return groups
}

function groupsOf(keys: Int32Array, groups = new KeyGroups(keys.length)): number[][] {
  const { order, starts } = groups.of(keys)
  return starts.slice(0, -1).map((start, g) => Array.from(order.subarray(start, starts[g + 1])))
}

/** Keys as band hashes look: random 32-bit values, some repeated (planted duplicates), some groups large. */
function bandKeys(n: number, seed: number): Int32Array {
  const next = seededRandom(seed)
  const random = (): number => (next() >>> 0) / 2 ** 32
  const keys = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const roll = random()
    if (i > 0 && roll < 0.1) keys[i] = keys[Math.floor(random() * i)]
    else if (roll < 0.12) keys[i] = -7 // one large group, negative: compared as unsigned
    else keys[i] = next()
  }
  return keys
}

describe('KeyGroups (the LSH buckets of one band)', () => {
  it.each([
    ['one partition', 300],
    ['many partitions', 50000]
  ])('gives the groups of a stable sort by unsigned value, %s', (_, n) => {
    const keys = bandKeys(n, n)
    const expected = sortedGroups(keys)
    expect(expected.length).toBeGreaterThan(10)
    expect(groupsOf(keys)).toEqual(expected)
  })

  it('gives the same groups band after band when its arrays are reused, whatever the partitions hold', () => {
    const n = 20000
    const groups = new KeyGroups(n)
    // Second band: every key in the top partition, so its table must grow past the first band's.
    const skewed = Int32Array.from(bandKeys(n, 3), (key, i) => (i % 3 === 0 ? key : key | 0x7ff00000))
    for (const keys of [bandKeys(n, 1), skewed, bandKeys(n, 2)]) expect(groupsOf(keys, groups)).toEqual(sortedGroups(keys))
  })

  it('finds no group where every key is distinct, and one where all are equal', () => {
    expect(groupsOf(Int32Array.from({ length: 10000 }, (_, i) => i * 7919))).toEqual([])
    expect(groupsOf(new Int32Array(5000).fill(42))).toEqual([Array.from({ length: 5000 }, (_, i) => i)])
  })
})
