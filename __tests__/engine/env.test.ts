import { numberFromEnv } from '../../src/engine/env.js'

describe('numberFromEnv', () => {
  const name = 'DATASET_AUDIT_TEST_KNOB'
  afterEach(() => delete process.env[name])
  const read = (value: string | undefined, integer = false) => {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
    return numberFromEnv(name, integer)
  }

  it('takes a non-negative number and falls back on unset, blank, negative or malformed values', () => {
    expect(read(undefined)).toBeUndefined()
    expect(read('')).toBeUndefined()
    expect(read('  ')).toBeUndefined()
    expect(read('0')).toBe(0)
    expect(read('2.5')).toBe(2.5)
    expect(read('-1')).toBeUndefined()
    expect(read('many')).toBeUndefined()
    expect(read('2.5', true)).toBeUndefined()
    expect(read('3', true)).toBe(3)
  })
})
