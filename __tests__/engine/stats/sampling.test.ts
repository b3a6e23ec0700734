import { Reservoir, seededRandom } from '../../../src/engine/stats/sampling.js'
import { numberMapSetting, numberSetting, stringListSetting, stringSetting } from '../../../src/engine/stats/settings.js'

describe('Reservoir', () => {
  it('keeps everything, in order, until full', () => {
    const reservoir = new Reservoir<number>(5)
    for (let i = 0; i < 4; i++) reservoir.offer(i)
    expect(reservoir.items).toEqual([0, 1, 2, 3])
    expect(reservoir.seen).toBe(4)
  })

  it('keeps a bounded, roughly uniform, reproducible sample', () => {
    const run = () => {
      const reservoir = new Reservoir<number>(1000)
      for (let i = 0; i < 100000; i++) reservoir.offer(i)
      return reservoir.items
    }
    const items = run()
    expect(items).toHaveLength(1000)
    expect(run()).toEqual(items)
    // Uniform: about half the sample from each half of the stream.
    const firstHalf = items.filter((i) => i < 50000).length
    expect(firstHalf).toBeGreaterThan(440)
    expect(firstHalf).toBeLessThan(560)
  })

  it('only makes the items it keeps', () => {
    const reservoir = new Reservoir<number>(2)
    let made = 0
    for (let i = 0; i < 1000; i++) reservoir.offerWith(() => ++made)
    expect(made).toBeLessThan(30)
    expect(reservoir.seen).toBe(1000)
  })

  it('places items where slotForNext says: algorithm R on the seeded draws, as offer keeps them', () => {
    const placed = new Reservoir<number>(50, 3)
    const random = seededRandom(3)
    const expected: number[] = []
    for (let i = 0; i < 5000; i++) {
      const slot = placed.slotForNext()
      if (slot !== -1) placed.items[slot] = i
      if (expected.length < 50) expected.push(i)
      else {
        const drawn = Math.floor(random() * (i + 1))
        if (drawn < 50) expected[drawn] = i
      }
    }
    expect(placed.items).toEqual(expected)
    expect(placed.seen).toBe(5000)
    const offered = new Reservoir<number>(50, 3)
    for (let i = 0; i < 5000; i++) offered.offer(i)
    expect(offered.items).toEqual(expected)
  })

  it('draws the same numbers from the same seed, in [0, 1)', () => {
    const a = seededRandom(7)
    const b = seededRandom(7)
    const draws = Array.from({ length: 100 }, () => a())
    expect(Array.from({ length: 100 }, () => b())).toEqual(draws)
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true)
  })
})

describe('settings readers', () => {
  it('falls back on missing or mistyped values', () => {
    const config = { n: 3, bad: 'x', s: 'abc', empty: '', list: ['a', 1, ''], map: { 2: 0.5, x: 1, 3: 'no' } }
    expect(numberSetting(config, 'n', 1)).toBe(3)
    expect(numberSetting(config, 'bad', 1)).toBe(1)
    expect(stringSetting(config, 's')).toBe('abc')
    expect(stringSetting(config, 'empty')).toBeUndefined()
    expect(stringListSetting(config, 'list')).toEqual(['a'])
    expect(stringListSetting(config, 'n')).toBeUndefined()
    expect([...numberMapSetting(config, 'map', new Map([[9, 9]]))]).toEqual([[2, 0.5]])
    expect([...numberMapSetting(config, 'n', new Map([[9, 9]]))]).toEqual([[9, 9]])
  })
})
