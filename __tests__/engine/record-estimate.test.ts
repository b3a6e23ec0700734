import { estimatedRecords } from '../../src/engine/record-estimate.js'
import { FileHashBuilder } from '../../src/engine/dedup/file-hashes.js'
import { RecordIndex } from '../../src/engine/record-index.js'
import type { DatasetRecord } from '../../src/engine/types.js'

/** JSON Lines records as a reader gives them: each with its line's offset and bytes. */
function lines(count: number, text: (i: number) => string): DatasetRecord[] {
  let offset = 0
  return Array.from({ length: count }, (_, index) => {
    const fields = { id: `r${index}`, text: text(index), label: index % 3 === 0 ? 'yes' : 'no' }
    const bytes = Buffer.byteLength(JSON.stringify(fields))
    const record = { line: index + 1, index, fields, offset, bytes }
    offset += bytes + 1
    return record
  })
}

describe('estimatedRecords', () => {
  it('scales the records read so far to the file size, a little over', () => {
    // 200 records of 100 bytes each (line feeds included) in a 100,000-byte file: 1,000 records.
    const record: DatasetRecord = { line: 200, index: 199, fields: {}, offset: 199 * 100, bytes: 99 }
    expect(estimatedRecords(100_000, record)).toBe(1050)
  })

  it('says nothing without a size or a place, and never asks for tens of millions of records at once', () => {
    expect(estimatedRecords(undefined, { line: 1, index: 0, fields: {}, offset: 0, bytes: 10 })).toBeUndefined()
    expect(estimatedRecords(1000, { line: 1, index: 0, fields: {} })).toBeUndefined()
    expect(estimatedRecords(1000, { line: 1, index: 0, fields: {}, offset: -1, bytes: -1 })).toBeUndefined()
    // Ten-byte first lines in a 10 GB file.
    expect(estimatedRecords(10 * 2 ** 30, { line: 200, index: 199, fields: {}, offset: 1990, bytes: 9 })).toBe(1 << 21)
  })
})

describe('tables sized from an estimate', () => {
  const records = lines(5000, (i) => 'word '.repeat(1 + (i % 40)) + i)

  it('give the record index the same contents whether the estimate is low, right or high', () => {
    const plain = new RecordIndex(['id'])
    for (const record of records) plain.add(record)
    for (const estimate of [1000, 5000, 20_000]) {
      const sized = new RecordIndex(['id'])
      records.forEach((record, i) => {
        if (i === 200) sized.reserve(estimate)
        sized.add(record)
      })
      expect(sized.size).toBe(plain.size)
      expect(Array.from(sized.lines)).toEqual(Array.from(plain.lines))
      expect(Array.from(sized.contentHashes)).toEqual(Array.from(plain.contentHashes))
      for (const position of [0, 199, 200, 2500, 4999]) {
        expect(sized.keyAt(position)).toBe(plain.keyAt(position))
        expect(sized.fieldsOf(position)).toEqual(plain.fieldsOf(position))
      }
      expect(sized.hasUniqueKeys()).toBe(true)
    }
  })

  it('give the worker\'s file hashes the same columns, whatever the estimate', () => {
    const job = { fields: ['text'], exclude: [], hash: { permutations: 128, bands: 14, rows: 9, seed: 1, ngram: 5, charNgram: 5, minWords: 10 }, bands: true }
    const built = (expected?: number) => {
      const builder = new FileHashBuilder(job, expected)
      for (const record of records) builder.add(record)
      return builder.result()
    }
    const plain = built()
    for (const estimate of [100, 5000, 50_000]) expect(built(estimate)).toEqual(plain)
  })
})
