import { UnionFind } from '../../../src/engine/dedup/union-find.js'

describe('UnionFind', () => {
  it('merges sets transitively and reports their sizes', () => {
    const sets = new UnionFind(6)
    expect(sets.union(0, 1)).toBe(true)
    expect(sets.union(2, 3)).toBe(true)
    expect(sets.union(1, 3)).toBe(true)
    expect(sets.union(0, 2)).toBe(false)
    expect(sets.find(0)).toBe(sets.find(3))
    expect(sets.find(4)).not.toBe(sets.find(0))
    expect(sets.sizeOf(2)).toBe(4)
    expect(sets.sizeOf(5)).toBe(1)
  })
})
