import { RecordIndex } from '../../src/engine/record-index.js'
import type { RecordFields } from '../../src/engine/types.js'

/** Records with repeated keys (`id` every third record again), keys missing or empty, and unique ones. */
function records(count: number): RecordFields[] {
  return Array.from({ length: count }, (_, i): RecordFields => {
    if (i % 17 === 5) return { text: `no key ${i}` }
    if (i % 23 === 7) return { id: '', text: `empty key ${i}` }
    return { id: i % 3 === 0 ? `id-${i % 50}` : `id-${i}`, text: `record ${i}` }
  })
}

function indexOf(rows: readonly RecordFields[], countEvery?: number): RecordIndex {
  const index = new RecordIndex(['id'])
  rows.forEach((fields, i) => {
    index.add({ line: i + 1, index: i, fields })
    if (countEvery !== undefined && (i + 1) % countEvery === 0) index.countKeys()
  })
  return index
}

/** What the census answers about an index, and about the keys of `other` in it. */
function answers(index: RecordIndex, other: RecordIndex, size: number) {
  return {
    unique: index.hasUniqueKeys(),
    repeated: [...index.repeatedKeys()],
    keyIds: Array.from({ length: size }, (_, position) => index.keyIdAt(position)),
    ofOther: Array.from({ length: size }, (_, position) => index.positionOfKeyAt(other, position))
  }
}

describe('RecordIndex key census', () => {
  it('counted a few records at a time as they come in, answers as when counted once at the end', () => {
    const rows = records(1000)
    const other = indexOf(records(1000).reverse())
    const once = answers(indexOf(rows), other, rows.length)
    expect(once.unique).toBe(false)
    expect(once.repeated.length).toBe(50)
    for (const every of [1, 7, 64, 999]) expect(answers(indexOf(rows, every), other, rows.length)).toEqual(once)
  })

  it('counts the records added after a question, and starts again once the keys are forgotten', () => {
    const rows = records(300)
    const index = indexOf(rows.slice(0, 100))
    expect(index.repeatedKeys().get('id-1')).toEqual([1, 51])
    rows.slice(100).forEach((fields, i) => index.add({ line: 101 + i, index: 100 + i, fields }))
    expect(answers(index, index, 300)).toEqual(answers(indexOf(rows), index, 300))
    index.forgetKeys()
    expect(index.hasUniqueKeys()).toBe(false)
    expect(index.repeatedKeys().size).toBe(0)
  })
})
