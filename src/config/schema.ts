/**
 * The JSON Schema of `.github/dataset-audit.yml`, and the defaults it documents.
 *
 * The same schema is published as `schema/dataset-audit.schema.json` for editors
 * (yaml-language-server, SchemaStore); a test keeps the two equal. It describes the file as the
 * user writes it (kebab-case keys, a string wherever a list of one is meant); `load.ts`
 * validates against it and then turns the result into the camelCase `AuditConfig`.
 *
 * Sub-schemas are inlined rather than shared with `$ref`: draft-07 ignores the siblings of a
 * `$ref`, and editors would lose the per-option descriptions.
 */
import { DIMENSIONS, FORMATS, SEVERITIES } from '../engine/types.js'
import type { FailOn } from './types.js'
import { FAIL_ON, PURPOSES, SPLITS } from './types.js'

/** The file the config is read from when no other is given. */
export const DEFAULT_CONFIG_PATH = '.github/dataset-audit.yml'

const DATASET_EXTENSIONS = '{jsonl,ndjson,json,csv,tsv,parquet}'

/** Every file in a format the readers understand, plain or gzip-compressed. */
export const DEFAULT_INCLUDE: readonly string[] = [`**/*.${DATASET_EXTENSIONS}`, `**/*.${DATASET_EXTENSIONS}.gz`]

/**
 * Files that have a dataset's extension but are not datasets: package manifests, tool and
 * editor settings, JSON Schemas, model configs that sit beside training data, Hugging Face
 * dataset metadata, and anything under `.github/` or `node_modules/`.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '.github/**',
  '**/.git/**',
  '**/node_modules/**',
  '**/.vscode/**',
  '**/.idea/**',
  '**/.devcontainer/**',
  '**/.ipynb_checkpoints/**',
  '**/package.json',
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/composer.json',
  '**/tsconfig*.json',
  '**/jsconfig*.json',
  '**/.eslintrc*.json',
  '**/.prettierrc*.json',
  '**/renovate.json',
  '**/*.schema.json',
  '**/schema.json',
  '**/dataset_info.json',
  '**/dataset_infos.json',
  '**/dataset_dict.json',
  '**/tokenizer.json',
  '**/tokenizer_config.json',
  '**/special_tokens_map.json',
  '**/generation_config.json',
  '**/adapter_config.json'
]

/** The gate's default: fail only when the PR makes the dataset worse. */
export const DEFAULT_FAIL_ON: FailOn = 'regression'

/** Points a dimension may drop by default before the drop counts as a regression. */
export const DEFAULT_TOLERANCE = 1

/** A dimension's weight when the config gives none. */
export const DEFAULT_WEIGHT = 1

/** One glob, path or field name, or a list of them: `key: id` means `key: [id]`. */
function stringOrList(description: string, options: { minItems?: number; default?: readonly string[] } = {}) {
  return {
    description,
    type: ['string', 'array'],
    minLength: 1,
    items: { type: 'string', minLength: 1 },
    ...(options.minItems === undefined ? {} : { minItems: options.minItems }),
    ...(options.default === undefined ? {} : { default: [...options.default] })
  }
}

const checkSchema = {
  description:
    "One check's settings. Besides `enabled`, `severity` and `fields`, each check takes its own " +
    'settings (thresholds, patterns); `dataset-audit explain <check>` lists them. Setting names ' +
    'may be written kebab-case or camelCase.',
  type: 'object',
  properties: {
    enabled: {
      description: 'Set to false to turn the check off.',
      type: 'boolean',
      default: true
    },
    severity: {
      description: "The severity of the check's findings, in place of the check's default.",
      enum: [...SEVERITIES]
    },
    fields: stringOrList("The fields the check reads. Defaults to the file's text fields.")
  },
  additionalProperties: true
}

function checksSchema(description: string) {
  return {
    description,
    type: 'object',
    additionalProperties: checkSchema,
    examples: [{ pii: { severity: 'error' }, length: { enabled: false } }]
  }
}

const ruleSchema = {
  description: 'Settings for the files matching `paths`. Rules apply in order: a later rule overrides an earlier one.',
  type: 'object',
  required: ['paths'],
  additionalProperties: false,
  properties: {
    paths: stringOrList('Globs (picomatch, repository-relative, dot files included) of the files this rule applies to.', {
      minItems: 1
    }),
    format: {
      description: "The file's format, when its extension does not say (`.txt` holding JSON lines).",
      enum: [...FORMATS]
    },
    key: stringOrList(
      'The field or fields whose values identify a record across versions, so the diff reports a ' +
        'changed record as modified instead of removed and added. An empty list means the file has no key.'
    ),
    'text-fields': stringOrList(
      'The string fields holding the text the checks read (PII, duplicates, length...). Inferred from the first records when absent.'
    ),
    'label-field': {
      description: 'The field holding the class label, for label balance and label-consistency checks.',
      type: 'string',
      minLength: 1
    },
    split: {
      description:
        "The dataset split the files belong to. Inferred from the path when absent: a `train`/`training` segment or name token means train, `dev`/`val`/`valid`/`validation` validation, `test`/`testing`/`eval`/`evaluation` test.",
      enum: [...SPLITS]
    },
    purpose: {
      description: 'What the data is for; some checks adjust their expectations to it.',
      enum: [...PURPOSES]
    },
    schema: {
      description: 'Repository-relative path of a JSON Schema every record must satisfy. The schema file itself is never audited as a dataset.',
      type: 'string',
      minLength: 1
    },
    'records-path': {
      description: 'For JSON files holding an object: the top-level field with the records. By default the first field whose value is an array.',
      type: 'string',
      minLength: 1
    },
    delimiter: {
      description: "The CSV delimiter. Defaults to `,` for .csv and a tab for .tsv; `tab` or '\\t' also mean a tab.",
      type: 'string',
      minLength: 1
    },
    checks: checksSchema('Check settings for these files, merged per check over the top-level `checks`.')
  }
}

/** The config file's JSON Schema (draft-07). */
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'dataset-audit configuration',
  description: 'Configuration of dataset-audit, read from `.github/dataset-audit.yml`. Every option is optional.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: {
      description: 'The URL of this schema, for editors. Ignored by dataset-audit.',
      type: 'string'
    },
    id: {
      description:
        "Suffix of the sticky PR comment's marker, so that two workflows auditing different data each keep their own comment.",
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      maxLength: 64,
      examples: ['sft']
    },
    include: stringOrList(
      'Globs of the files that are datasets. Replaces the default, which is every .jsonl, .ndjson, .json, .csv, .tsv and .parquet file, plain or .gz.',
      { minItems: 1, default: DEFAULT_INCLUDE }
    ),
    exclude: stringOrList(
      'Globs of files never audited, even when `include` matches. Replaces the default list (package manifests, tool configs, JSON Schemas, .github/, node_modules/...): copy the entries you want to keep.',
      { default: DEFAULT_EXCLUDE }
    ),
    'fail-on': {
      description:
        'When the audit fails the check: `error` on an error-severity finding in the changed records, `regression` when the PR lowers a dimension score by more than `tolerance` points, `warning` on a warning or an error in the changed records, `never` to only report.',
      enum: [...FAIL_ON],
      default: DEFAULT_FAIL_ON
    },
    'min-score': {
      description: "The gate also fails when the head's overall score (0-100) is below this.",
      type: 'number',
      minimum: 0,
      maximum: 100
    },
    tolerance: {
      description: 'Points (0-100 scale) a dimension may drop before the drop counts as a regression.',
      type: 'number',
      minimum: 0,
      default: DEFAULT_TOLERANCE
    },
    weights: {
      description: 'Weights of the dimensions in the overall score. A dimension not listed weighs 1; 0 leaves it out.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        DIMENSIONS.map((dimension) => [
          dimension,
          { description: `Weight of ${dimension} in the overall score.`, type: 'number', minimum: 0, default: DEFAULT_WEIGHT }
        ])
      )
    },
    checks: checksSchema('Settings per check id, for every file. Rules refine them per path.'),
    rules: {
      description: 'Settings per path. Rules apply in order: for each setting, the last matching rule that sets it wins.',
      type: 'array',
      items: ruleSchema
    }
  }
}
