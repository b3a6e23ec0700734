import fs from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { ConfigError, defaultConfig, parseConfig } from '../../src/config/load.js'
import { settingsFor } from '../../src/config/paths.js'
import { configSchema } from '../../src/config/schema.js'
import { FAIL_ON, PURPOSES, SPLITS } from '../../src/config/types.js'
import { DIMENSIONS, FORMATS, SEVERITIES } from '../../src/engine/types.js'

/*
 * schema/dataset-audit.schema.json is configSchema printed as JSON. After changing schema.ts,
 * regenerate it from the repository root with:
 *   npx tsc src/config/schema.ts --outDir /tmp/cfgschema --module nodenext --moduleResolution nodenext --target es2022 --skipLibCheck &&
 *   node -e "require('fs').writeFileSync('schema/dataset-audit.schema.json', JSON.stringify(require('/tmp/cfgschema/config/schema.js').configSchema, null, 2) + '\n')"
 */
const PUBLISHED = path.resolve(process.cwd(), 'schema/dataset-audit.schema.json')
const DOCS = path.resolve(process.cwd(), 'docs/configuration.md')

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The JSON pointer of every option schema (`properties/...`) that has no description. */
function undescribed(schema: unknown, at = ''): string[] {
  if (!isObject(schema)) return []
  const missing: string[] = []
  const properties = schema.properties
  if (isObject(properties)) {
    for (const [name, option] of Object.entries(properties)) {
      const where = `${at}/properties/${name}`
      if (!isObject(option) || typeof option.description !== 'string' || option.description.length < 10) missing.push(where)
      missing.push(...undescribed(option, where))
    }
  }
  if (isObject(schema.items)) missing.push(...undescribed(schema.items, `${at}/items`))
  if (isObject(schema.additionalProperties)) missing.push(...undescribed(schema.additionalProperties, `${at}/additionalProperties`))
  return missing
}

describe('the published schema', () => {
  it('is exactly configSchema, so editors and the loader never disagree', () => {
    const published: unknown = JSON.parse(fs.readFileSync(PUBLISHED, 'utf8'))
    expect(published).toEqual(configSchema)
  })

  it('compiles under Ajv strict mode as draft-07', () => {
    const published: unknown = JSON.parse(fs.readFileSync(PUBLISHED, 'utf8'))
    expect(isObject(published) && published.$schema).toBe('http://json-schema.org/draft-07/schema#')
    const ajv = new Ajv({ strict: true, allowUnionTypes: true })
    expect(() => ajv.compile(configSchema)).not.toThrow()
  })

  it('describes every option, for editors to show on hover', () => {
    expect(undescribed(configSchema)).toEqual([])
  })

  it('offers the same choices as the TypeScript types', () => {
    const rule = configSchema.properties.rules.items.properties
    expect(configSchema.properties['fail-on'].enum).toEqual([...FAIL_ON])
    expect(rule.split.enum).toEqual([...SPLITS])
    expect(rule.purpose.enum).toEqual([...PURPOSES])
    expect(rule.format.enum).toEqual([...FORMATS])
    expect(rule.checks.additionalProperties.properties.severity.enum).toEqual([...SEVERITIES])
    expect(Object.keys(configSchema.properties.weights.properties)).toEqual([...DIMENSIONS])
  })

  it('documents the defaults defaultConfig() uses', () => {
    const defaults = defaultConfig()
    const top = configSchema.properties
    expect(top.include.default).toEqual(defaults.include)
    expect(top.exclude.default).toEqual(defaults.exclude)
    expect(top['fail-on'].default).toBe(defaults.failOn)
    expect(top.tolerance.default).toBe(defaults.tolerance)
    for (const dimension of DIMENSIONS) expect(top.weights.properties[dimension].default).toBe(defaults.weights[dimension])
  })

  it('rejects typos at the top level and in rules, but leaves check settings open', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true })
    const validate = ajv.compile(configSchema)
    expect(validate({ 'fail-on': 'never', rules: [{ paths: 'a', key: ['id'] }], checks: { pii: { 'min-score': 3, anything: [1] } } })).toBe(true)
    expect(validate({ failon: 'never' })).toBe(false)
    expect(validate({ rules: [{ paths: 'a', spilt: 'test' }] })).toBe(false)
    expect(validate({ weights: { privacy: 1, speed: 2 } })).toBe(false)
  })

  it('turns every rule option into a PathRule field', () => {
    const config = parseConfig(`
rules:
  - paths: a
    format: csv
    key: id
    text-fields: text
    label-field: label
    split: test
    purpose: rag
    schema: s.json
    records-path: rows
    delimiter: ';'
    checks: { pii: {} }
`)
    const camel = (name: string) => name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase())
    expect(Object.keys(config.rules[0]).sort()).toEqual(Object.keys(configSchema.properties.rules.items.properties).map(camel).sort())
  })
})

describe('docs/configuration.md', () => {
  const docs = fs.readFileSync(DOCS, 'utf8')
  const blocks = (language: string) => [...docs.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1])
  const errorsSection = docs.slice(docs.indexOf('## Errors'))

  it('shows only valid configs, except the one in its Errors section', () => {
    const examples = blocks('yaml').filter((block) => !errorsSection.includes(block))
    expect(examples).toHaveLength(4)
    for (const example of examples) expect(() => parseConfig(example)).not.toThrow()
  })

  it('merges check settings the way its Check settings example says', () => {
    const example = blocks('yaml').find((block) => block.includes('min-chars: 10'))
    expect(example).toBeDefined()
    expect(settingsFor(parseConfig(example ?? ''), 'data/sft/a.jsonl').checks).toEqual({
      pii: { severity: 'error', fields: ['text'] },
      length: { maxChars: 4000, minChars: 10 }
    })
  })

  it('shows the exact errors its broken example gives', () => {
    const [broken] = [...errorsSection.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1])
    const [output] = [...errorsSection.matchAll(/```text\n([\s\S]*?)```/g)].map((match) => match[1])
    expect(() => parseConfig(broken)).toThrow(ConfigError)
    expect(() => parseConfig(broken)).toThrow(output.trimEnd())
  })

  it('lists every top-level and rule option of the schema', () => {
    const options = [...Object.keys(configSchema.properties), ...Object.keys(configSchema.properties.rules.items.properties)]
    for (const option of options.filter((name) => name !== '$schema')) expect(docs).toContain(`| \`${option}\` |`)
  })
})
