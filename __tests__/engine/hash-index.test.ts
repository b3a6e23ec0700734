import { HashIndex } from '../../src/engine/hash-index.js'

describe('HashIndex', () => {
  it('maps 53-bit numbers to int32s like a Map, through growth and keys whose low 32 bits collide', () => {
    const index = new HashIndex()
    const map = new Map<number, number>()
    for (let i = 0; i < 50000; i++) {
      // Every fourth key shares its low 32 bits with another: they meet in one slot.
      const key = i % 4 === 0 ? (i >> 2) * 4294967296 + 12345 : Math.floor(i * 2654435761 * 1.37) % 2 ** 53
      index.set(key, i)
      map.set(key, i)
    }
    index.set(12345, -1)
    map.set(12345, -1)
    expect(index.size).toBe(map.size)
    for (const [key, value] of map) expect(index.get(key)).toBe(value)
    expect(index.get(2 ** 52 + 7)).toBeUndefined()
    expect(index.get(0.5)).toBeUndefined()
  })
})
