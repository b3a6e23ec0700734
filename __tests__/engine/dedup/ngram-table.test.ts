import { ContaminationIndex } from '../../../src/engine/dedup/contamination.js'
import { NgramTable } from '../../../src/engine/dedup/ngram-table.js'

function recordsOf(table: NgramTable, low: number, high: number): number[] {
  const records: number[] = []
  for (let entry = table.first(low, high); entry !== -1; entry = table.nextAfter(entry)) records.push(table.recordAt(entry))
  return records.sort((a, b) => a - b)
}

describe('NgramTable', () => {
  it('maps an n-gram to every record that holds it, once per record, through growth', () => {
    const table = new NgramTable()
    for (let record = 0; record < 3000; record++) {
      table.add(record, -record, record) // one n-gram of its own
      table.add(7, 7, record) // one shared by every record
      table.add(7, 7, record) // repeated within the record: kept once
    }
    expect(table.keys).toBe(3001)
    expect(table.entries).toBe(6000)
    expect(recordsOf(table, 1234, -1234)).toEqual([1234])
    expect(recordsOf(table, 7, 7)).toHaveLength(3000)
    expect(table.first(7, 8)).toBe(-1)
  })

  it('walks a chain once per stamp until it grows', () => {
    const table = new NgramTable()
    table.add(1, 2, 0)
    expect(table.firstUnvisited(1, 2, 5)).not.toBe(-1)
    expect(table.firstUnvisited(1, 2, 5)).toBe(-1)
    expect(table.firstUnvisited(1, 2, 6)).not.toBe(-1)
    table.add(1, 2, 1)
    expect(table.firstUnvisited(1, 2, 6)).not.toBe(-1)
  })
})

describe('ContaminationIndex', () => {
  it('marks the eval records whose n-grams a train record holds, and counts them per file', () => {
    const index = new ContaminationIndex()
    index.addEval(0, 10, Int32Array.from([1, 2]), Int32Array.from([1, 2]), 2)
    index.addEval(0, 11, Int32Array.from([3]), Int32Array.from([3]), 1)
    index.addEval(1, 5, Int32Array.from([2]), Int32Array.from([2]), 1)
    index.scanTrain(2, Int32Array.from([2, 9]), Int32Array.from([2, 9]), 2)
    index.scanTrain(2, Int32Array.from([2]), Int32Array.from([2]), 1)
    expect(index.contaminatedByFile()).toEqual(
      new Map([
        [0, { count: 1, firstLine: 10 }],
        [1, { count: 1, firstLine: 5 }]
      ])
    )
    expect(index.hitsOf(2, 0)).toBe(1)
    expect(index.hitsOf(3, 0)).toBe(0)
  })
})
