import { SpaceSaving } from '../../../src/engine/stats/heavy-hitters.js'

describe('SpaceSaving', () => {
  it('counts exactly while the distinct items fit', () => {
    const sketch = new SpaceSaving(10)
    for (const item of ['a', 'b', 'a', 'c', 'a', 'b']) sketch.offer(item)
    expect(sketch.top(2)).toEqual([
      { item: 'a', count: 3, error: 0 },
      { item: 'b', count: 2, error: 0 }
    ])
    expect(sketch.evicted).toBe(false)
    expect(sketch.size).toBe(3)
    expect(sketch.total).toBe(6)
  })

  it('keeps a heavy hitter among many rare items, overestimating by at most total / capacity', () => {
    const sketch = new SpaceSaving(50)
    let total = 0
    for (let i = 0; i < 5000; i++) {
      sketch.offer(`rare ${i}`)
      total++
      if (i % 10 === 0) {
        sketch.offer('frequent')
        total++
      }
    }
    const [top] = sketch.top(1)
    expect(top.item).toBe('frequent')
    expect(top.count).toBeGreaterThanOrEqual(500)
    expect(top.count - 500).toBeLessThanOrEqual(total / 50)
    expect(sketch.evicted).toBe(true)
    expect(sketch.size).toBe(50)
  })
})
