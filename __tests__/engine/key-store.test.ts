import { deserialize, serialize } from 'node:v8'
import { hash53 } from '../../src/engine/hash.js'
import { KeyStore } from '../../src/engine/key-store.js'

describe('KeyStore', () => {
  it('gives every key back as it was, lone surrogates and all, past its first capacity', () => {
    const keys: Array<string | undefined> = []
    for (let i = 0; i < 5000; i++) keys.push(i % 7 === 3 ? undefined : `r${i}${i % 11 === 0 ? '\ud800' : ''}${i % 13 === 0 ? 'é😀'.repeat(i % 50) : ''}`)
    keys.push('x'.repeat(40_000))
    const store = new KeyStore()
    for (const key of keys) store.add(key)
    expect(store.count).toBe(keys.length)
    keys.forEach((key, position) => {
      expect(store.at(position)).toBe(key)
      expect(store.has(position)).toBe(key !== undefined)
      if (key !== undefined) expect(store.hashAt(position)).toBe(hash53(key))
    })
  })

  it('tells the same key in another store from different keys, of the same length or not', () => {
    const store = new KeyStore()
    const other = new KeyStore()
    for (const key of ['alpha', 'beta', 'gamma']) store.add(key)
    for (const key of ['gamma', 'alpha', 'alphb', 'alph']) other.add(key)
    expect(store.sameKey(0, other, 1)).toBe(true)
    expect(store.sameKey(2, other, 0)).toBe(true)
    expect(store.sameKey(0, other, 2)).toBe(false)
    expect(store.sameKey(0, other, 3)).toBe(false)
    expect(store.sameKey(1, other, 0)).toBe(false)
  })

  it('trims, forgets every key but keeps the positions, and survives a structured clone once revived', () => {
    const store = new KeyStore()
    for (const key of ['a', 'b', undefined]) store.add(key)
    const clone = deserialize(serialize(store)) as KeyStore
    Object.setPrototypeOf(clone, KeyStore.prototype)
    expect([0, 1, 2].map((p) => clone.at(p))).toEqual(['a', 'b', undefined])
    expect(clone.sameKey(1, store, 1)).toBe(true)
    store.trim()
    store.add('d')
    expect([0, 1, 2, 3].map((p) => store.at(p))).toEqual(['a', 'b', undefined, 'd'])
    store.clear()
    store.add('c')
    expect(store.count).toBe(5)
    expect([0, 1, 2, 3, 4].map((p) => store.at(p))).toEqual([undefined, undefined, undefined, undefined, 'c'])
  })
})
