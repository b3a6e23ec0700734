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

  it('getOrAdd keeps the first value of a key and answers it, as get-then-set would, sized ahead or not', () => {
    for (const index of [new HashIndex(), new HashIndex(30000)]) {
      const map = new Map<number, number>()
      for (let i = 0; i < 30000; i++) {
        const key = (i * 7919) % 10007 // keys come back
        const existing = index.getOrAdd(key, i)
        expect(existing).toBe(map.get(key))
        if (!map.has(key)) map.set(key, i)
      }
      expect(index.size).toBe(map.size)
      for (const [key, value] of map) expect(index.get(key)).toBe(value)
    }
  })
})
