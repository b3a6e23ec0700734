import { diffRecords, HeadStatus } from '../../src/engine/diff.js'
import { RecordIndex } from '../../src/engine/record-index.js'
import type { RecordFields } from '../../src/engine/types.js'

function indexOf(rows: RecordFields[], keyFields: string[] = []): RecordIndex {
  const index = new RecordIndex(keyFields)
  rows.forEach((fields, i) => index.add({ fields, index: i, line: i + 1 }))
  return index
}

describe('diffRecords by key', () => {
  const base = [
    { id: 'a', text: 'alpha', label: 'x' },
    { id: 'b', text: 'beta', label: 'y' },
    { id: 'c', text: 'gamma', label: 'x' }
  ]

  it('reports added, removed and modified records with the fields that changed', () => {
    const head = [
      { id: 'a', text: 'alpha', label: 'x' },
      { id: 'b', text: 'beta', label: 'x' },
      { id: 'd', text: 'delta', label: 'y' }
    ]
    const diff = diffRecords(indexOf(base, ['id']), indexOf(head, ['id']))
    expect(diff.mode).toBe('key')
    expect(diff.added).toEqual([{ key: 'd', line: 3 }])
    expect(diff.removed).toEqual([{ key: 'c', line: 3 }])
    expect(diff.modified).toEqual([{ key: 'b', baseLine: 2, headLine: 2, changedFields: ['label'] }])
    expect(diff.unchanged).toBe(1)
    expect([...diff.headStatus]).toEqual([HeadStatus.Unchanged, HeadStatus.Modified, HeadStatus.Added])
  })

  it('does not count reordered lines or reordered fields as changes', () => {
    const head = [
      { label: 'x', text: 'gamma', id: 'c' },
      { id: 'a', text: 'alpha', label: 'x' },
      { id: 'b', text: 'beta', label: 'y' }
    ]
    const diff = diffRecords(indexOf(base, ['id']), indexOf(head, ['id']))
    expect(diff.added).toHaveLength(0)
    expect(diff.removed).toHaveLength(0)
    expect(diff.modified).toHaveLength(0)
    expect(diff.unchanged).toBe(3)
    expect(diff.reordered).toBe(true)
  })

  it('reports duplicate keys on each side with their lines', () => {
    const head = [...base, { id: 'a', text: 'alpha again', label: 'x' }]
    const diff = diffRecords(indexOf(base, ['id']), indexOf(head, ['id']))
    expect(diff.duplicateKeys).toEqual([{ side: 'head', key: 'a', lines: [1, 4] }])
    expect(diff.added).toEqual([{ key: 'a', line: 4 }])
  })

  it("lists repeated keys in the order of each key's first record, every record that carries them", () => {
    const rows = ['a', 'b', 'b', 'c', 'a', 'b'].map((id, i) => ({ id, text: `t${i}` }))
    const index = indexOf(rows, ['id'])
    expect(index.hasUniqueKeys()).toBe(false)
    expect(diffRecords(indexOf([], ['id']), index).duplicateKeys).toEqual([
      { side: 'head', key: 'a', lines: [1, 5] },
      { side: 'head', key: 'b', lines: [2, 3, 6] }
    ])
    expect(indexOf(rows.slice(0, 2), ['id']).hasUniqueKeys()).toBe(true)
  })

  it('names nested field paths that changed', () => {
    const b = [{ id: 1, meta: { source: 'web', score: { value: 1 } }, text: 't' }]
    const h = [{ id: 1, meta: { source: 'web', score: { value: 2 } }, text: 't' }]
    const diff = diffRecords(indexOf(b, ['id']), indexOf(h, ['id']))
    expect(diff.modified[0].changedFields).toEqual(['meta.score.value'])
  })

  it('matches composite keys', () => {
    const b = [{ doc: 'd1', chunk: 0, text: 'a' }, { doc: 'd1', chunk: 1, text: 'b' }]
    const h = [{ doc: 'd1', chunk: 1, text: 'B' }, { doc: 'd1', chunk: 0, text: 'a' }]
    const diff = diffRecords(indexOf(b, ['doc', 'chunk']), indexOf(h, ['doc', 'chunk']))
    expect(diff.modified).toEqual([{ key: 'd1, 1', baseLine: 2, headLine: 1, changedFields: ['text'] }])
  })
})

describe('diffRecords by content', () => {
  it('matches identical records wherever they are and pairs edited ones as modified', () => {
    const base = [
      { q: 'one plus one', a: '2' },
      { q: 'two plus two', a: '5' },
      { q: 'three plus three', a: '6' }
    ]
    const head = [
      { q: 'three plus three', a: '6' },
      { q: 'two plus two', a: '4' },
      { q: 'one plus one', a: '2' },
      { q: 'four plus four', a: '8' }
    ]
    const diff = diffRecords(indexOf(base), indexOf(head))
    expect(diff.mode).toBe('content')
    expect(diff.modified).toEqual([{ key: '', baseLine: 2, headLine: 2, changedFields: ['a'] }])
    expect(diff.added).toEqual([{ key: '', line: 4 }])
    expect(diff.removed).toEqual([])
    expect(diff.unchanged).toBe(2)
  })

  it('keeps exact duplicates apart: a second copy is an addition', () => {
    const base = [{ t: 'same' }]
    const head = [{ t: 'same' }, { t: 'same' }]
    const diff = diffRecords(indexOf(base), indexOf(head))
    expect(diff.added).toEqual([{ key: '', line: 2 }])
    expect(diff.unchanged).toBe(1)
  })

  it('does not pair records that share less than half their values', () => {
    const base = [{ a: 1, b: 2, c: 3, d: 4 }]
    const head = [{ a: 1, b: 9, c: 9, d: 9 }]
    const diff = diffRecords(indexOf(base), indexOf(head))
    expect(diff.modified).toHaveLength(0)
    expect(diff.added).toHaveLength(1)
    expect(diff.removed).toHaveLength(1)
  })

  it('treats added and removed files as all added or all removed', () => {
    const rows = [{ t: 'x' }, { t: 'y' }]
    expect(diffRecords(indexOf([]), indexOf(rows)).added).toHaveLength(2)
    expect(diffRecords(indexOf(rows), indexOf([])).removed).toHaveLength(2)
  })

  it('lists only the first `examples` added and removed records, and counts them all', () => {
    const base = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, t: `old ${i}` }))
    const head = [...base.slice(0, 5), ...Array.from({ length: 40 }, (_, i) => ({ id: `h${i}`, t: `new ${i}` }))]
    const all = diffRecords(indexOf(base, ['id']), indexOf(head, ['id']))
    const some = diffRecords(indexOf(base, ['id']), indexOf(head, ['id']), { examples: 3 })
    expect([all.addedCount, all.removedCount, all.added.length, all.removed.length]).toEqual([40, 25, 40, 25])
    expect([some.addedCount, some.removedCount]).toEqual([40, 25])
    expect(some.added).toEqual(all.added.slice(0, 3))
    expect(some.removed).toEqual(all.removed.slice(0, 3))
    expect(some.unchanged).toBe(all.unchanged)
    expect(some.headStatus).toEqual(all.headStatus)
  })
})

describe('RecordIndex.releaseFieldHashes', () => {
  it('keeps lines, keys and content hashes and refuses the field hashes it freed', () => {
    const index = indexOf([{ id: 'a', text: 'alpha' }, { id: 'b', text: 'beta' }], ['id'])
    const hashes = [...index.contentHashes]
    expect([...index.fieldsOf(1).keys()]).toEqual(['id', 'text'])
    index.releaseFieldHashes()
    expect([...index.lines]).toEqual([1, 2])
    expect([index.keyAt(0), index.keyAt(1)]).toEqual(['a', 'b'])
    expect([...index.contentHashes]).toEqual(hashes)
    expect(index.positionOfContent(hashes[1])).toBe(1)
    expect(() => index.fieldsOf(0)).toThrow(/releaseFieldHashes/)
    expect(() => index.add({ fields: { id: 'c', text: 'gamma' }, index: 2, line: 3 })).toThrow(/releaseFieldHashes/)
  })
})

describe('RecordIndex key census', () => {
  it('names each key by its first position, counts again after more records, and survives the side cache clone', async () => {
    const { deserialize, serialize } = await import('node:v8')
    const index = indexOf([{ id: 'a' }, { id: 'b' }, { id: 'a' }, { text: 'no key' }], ['id'])
    expect([0, 1, 2, 3].map((p) => index.keyIdAt(p))).toEqual([0, 1, 0, -1])
    // Keys met from another index: 'b', 'zz' (nowhere here), and a record without a key.
    const other = indexOf([{ id: 'b' }, { id: 'zz' }, { text: 'no key' }], ['id'])
    expect([0, 1, 2].map((p) => index.positionOfKeyAt(other, p))).toEqual([1, -1, -1])
    expect([...index.repeatedKeys()]).toEqual([['a', [0, 2]]])
    index.add({ fields: { id: 'b' }, index: 4, line: 5 })
    expect([...index.repeatedKeys()]).toEqual([['a', [0, 2]], ['b', [1, 4]]])
    expect(index.hasUniqueKeys()).toBe(false)
    // The census lives beside the index: a structured clone (the side cache) carries no closure.
    const clone = RecordIndex.revive(deserialize(serialize(index)) as RecordIndex)
    expect(clone.positionOfKeyAt(other, 0)).toBe(1)
    expect(clone.keyAt(2)).toBe('a')
    expect(clone.keyAt(3)).toBeUndefined()
    expect(clone.positionOfKeyAt(index, 4)).toBe(1)
  })
})
