import { CorpusArrays } from '../../../src/engine/dedup/corpus.js'

function columns(count: number, bands: number) {
  return {
    indexOf: Int32Array.from({ length: count }, (_, i) => i),
    lineOf: Int32Array.from({ length: count }, (_, i) => i + 1),
    offsetOf: Float64Array.from({ length: count }, (_, i) => 50 * i),
    bytesOf: Int32Array.from({ length: count }, () => 49),
    exactLow: Int32Array.from({ length: count }, (_, i) => 100 + i),
    exactHigh: Int32Array.from({ length: count }, (_, i) => 200 + i),
    bandValues: Int32Array.from({ length: count * bands }, (_, i) => 1000 + i),
    byCharacters: Uint8Array.from({ length: count }, (_, i) => i % 2)
  }
}

describe('CorpusArrays', () => {
  it('adopts a whole file as its first records, then grows past them without writing into them', () => {
    const corpus = new CorpusArrays(3)
    const file = columns(5, 3)
    const copies = Object.fromEntries(Object.entries(file).map(([name, array]) => [name, array.slice()]))
    corpus.adopt(7, file)
    expect(corpus.count).toBe(5)
    expect(Array.from(corpus.fileOf)).toEqual([7, 7, 7, 7, 7])
    expect(corpus.bandValues.subarray(6, 9)).toEqual(Int32Array.from([1006, 1007, 1008]))
    const slot = corpus.add(8, 0, 1)
    corpus.exactLow[slot] = -1
    corpus.bandValues.set([-1, -1, -1], slot * 3)
    expect(slot).toBe(5)
    expect(Array.from(corpus.fileOf.subarray(0, 6))).toEqual([7, 7, 7, 7, 7, 8])
    expect(Array.from(corpus.exactLow.subarray(0, 6))).toEqual([100, 101, 102, 103, 104, -1])
    // The adopted columns are as they were.
    expect(file).toEqual(copies)
  })

  it('adopts only into empty arrays, and only columns with every record\'s band hashes', () => {
    const corpus = new CorpusArrays(3)
    expect(() => corpus.adopt(0, { ...columns(4, 3), bandValues: new Int32Array(6) })).toThrow(/whole columns/)
    corpus.add(0, 0, 1)
    expect(() => corpus.adopt(0, columns(4, 3))).toThrow(/empty arrays/)
  })

  it('reserves room for a file at the capacity growing record by record reaches', () => {
    const reserved = new CorpusArrays(2)
    reserved.reserve(5000)
    const grown = new CorpusArrays(2)
    for (let i = 0; i < 5000; i++) grown.add(0, i, i + 1)
    expect(reserved.fileOf.length).toBe(grown.fileOf.length)
    expect(reserved.bandValues.length).toBe(grown.bandValues.length)
    expect(reserved.bytes).toBe(grown.bytes)
  })

  it('hands its final columns over as views when nearly full, as trimmed copies when mostly spare room', () => {
    const fill = (count: number): CorpusArrays => {
      const corpus = new CorpusArrays(2)
      for (let i = 0; i < count; i++) {
        const slot = corpus.add(0, i, i + 1)
        corpus.exactLow[slot] = 100 + i
        corpus.bandValues.set([2 * i, 2 * i + 1], 2 * slot)
      }
      return corpus
    }
    // 1,000 of 1,024 slots used: the arrays' own memory, no copy.
    const full = fill(1000)
    const views = full.finalColumns()
    expect(views.indexOf.length).toBe(1000)
    expect(views.bandValues.length).toBe(2000)
    expect(views.exactLow.buffer).toBe(full.exactLow.buffer)
    expect(views.bandValues[1999]).toBe(1999)
    // 600 of 1,024: copies of their own, so the spare room is not held.
    const sparse = fill(600)
    const copies = sparse.finalColumns()
    expect(copies.lineOf.length).toBe(600)
    expect(copies.lineOf.buffer).not.toBe(sparse.lineOf.buffer)
    expect(copies.lineOf.buffer.byteLength).toBe(600 * 4)
    expect(Array.from(copies.exactLow.subarray(597))).toEqual([697, 698, 699])
    // Either way, a new index adopts them as a whole file.
    const adopted = new CorpusArrays(2)
    adopted.adopt(3, views)
    expect(adopted.count).toBe(1000)
  })
})
