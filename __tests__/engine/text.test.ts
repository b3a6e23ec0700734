import { FieldPaths, valueAt } from '../../src/engine/text.js'
import type { RecordFields } from '../../src/engine/types.js'

describe('valueAt and FieldPaths', () => {
  const record = JSON.parse('{"a": "x", "meta": {"source": "web", "tags": ["t0", "t1"]}, "dotted.name": 3, "instances": [{"output": "o"}], "chat": [{"role": "user", "content": "hi"}]}') as RecordFields

  it('reads plain names, dotted paths into objects and arrays, and a dotted name before the path', () => {
    const paths = new FieldPaths(['a', 'meta.source', 'meta.tags.1', 'instances.0.output', 'dotted.name', 'missing', 'meta.missing.deeper'])
    const values = paths.paths.map((_, i) => paths.valueAt(record, i))
    expect(values).toEqual(['x', 'web', 't1', 'o', 3, undefined, undefined])
    expect(paths.paths.map((path) => valueAt(record, path))).toEqual(values)
  })

  it("reads only a record's own fields, not Object's", () => {
    const paths = new FieldPaths(['constructor', 'toString', '__proto__', 'meta.constructor', 'hasOwnProperty'])
    for (let i = 0; i < paths.length; i++) {
      expect(paths.valueAt(record, i)).toBeUndefined()
      expect(valueAt(record, paths.paths[i])).toBeUndefined()
    }
    const own = JSON.parse('{"constructor": "c", "__proto__": "p"}') as RecordFields
    expect([valueAt(own, 'constructor'), new FieldPaths(['__proto__']).valueAt(own, 0)]).toEqual(['c', 'p'])
  })

  it('gives the text of strings and chat transcripts, and none of numbers', () => {
    const paths = new FieldPaths(['a', 'chat', 'dotted.name'])
    expect([0, 1, 2].map((i) => paths.textAt(record, i))).toEqual(['x', 'hi', undefined])
  })
})
