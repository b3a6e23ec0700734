import { cutLengthSpikesOf, endsOnTwoLetters, openBracketAtEnd, truncatedCheck, unclosedFence } from '../../../src/engine/checks/truncated.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readJsonl } from '../../helpers/realdata.js'

/** A text of exactly `length` characters that stops on letters. */
const cutAt = (length: number, seed: string): string => (seed + 'lorem ipsum dolor sit amet, consectetur '.repeat(300)).slice(0, length - 2) + 'ab'

describe('unclosedFence', () => {
  it('finds a fence left open, not a closed one or a one-line ```code```', () => {
    expect(unclosedFence('Here:\n```python\nprint(1)\n')).toBe(2)
    expect(unclosedFence('Here:\n```python\nprint(1)\n```\nDone.')).toBeUndefined()
    expect(unclosedFence('Inline ```x = 1``` is fine\n```js ```')).toBeUndefined()
    expect(unclosedFence('~~~~\n```\nstill inside\n~~~~')).toBeUndefined()
    expect(unclosedFence('```\na\n```\n```\nb')).toBe(4)
    expect(unclosedFence('no fence here, only `one` and ``two`` ticks and ~~strike~~')).toBeUndefined()
    expect(unclosedFence('   ~~~\nindented three spaces still opens')).toBe(1)
  })
})

describe('the quick tests on the last characters', () => {
  it('say whether text ends on two letters as the regular expression on the whole text does', () => {
    const endings = ['ab', 'a.', '.a', 'a1', 'éa', 'aé', 'éé', 'ßx', 'x\u0301', '\u0301x', 'ab\n', 'a ', 'a', '', '日本', '本.', '𝐀b', 'b𝐀', '𝐀𝐀', '😀a', 'a😀', '\ud835a', 'a\udc00', '\udc00a', 'ǅa', 'aǅ', 'ªº', 'Ⅻa']
    for (const ending of endings) {
      for (const text of [ending, `some text ${ending}`, `𝐀${ending}`, `\ud835${ending}`]) {
        expect([text, endsOnTwoLetters(text)]).toEqual([text, /\p{L}\p{L}$/u.test(text)])
      }
    }
  })

  it('leave alone text that ends on sentence punctuation, a closing bracket or quote, whatever that character is', () => {
    const finished = /[.!?…。！？；;:)\]}”»"'`>*_|~-]$/u
    const disagreeing: number[] = []
    for (let code = 1; code < 0x10000; code++) {
      const text = `An aside (which ends on ${String.fromCharCode(code)}`
      if (/\s/.test(String.fromCharCode(code))) continue
      if ((openBracketAtEnd(text) === undefined) !== finished.test(text)) disagreeing.push(code)
    }
    expect(disagreeing).toEqual([])
    expect(openBracketAtEnd('An aside (which ends on 😀')).toBe(9)
  })
})

describe('openBracketAtEnd', () => {
  it('finds text that stops inside a bracket opened on its last line', () => {
    expect(openBracketAtEnd('The film: The Silence of the Lambs (1991')).toBe(35)
    expect(openBracketAtEnd('Values: [1, 2, 3')).toBe(8)
    expect(openBracketAtEnd('He said “we will')).toBe(8)
  })

  it('leaves finished sentences, emoticons, quoted brackets, brackets closed out of order and older lines alone', () => {
    expect(openBracketAtEnd('An aside (which never closes.')).toBeUndefined()
    expect(openBracketAtEnd('I miss you :(')).toBeUndefined()
    expect(openBracketAtEnd('assert correct_bracketing("(") == False and more')).toBeUndefined()
    expect(openBracketAtEnd('Use `f(` to start')).toBeUndefined()
    expect(openBracketAtEnd('data = {\n  "a": 1\nstill going')).toBeUndefined()
    expect(openBracketAtEnd('see [a, b) interval then')).toBe(4)
  })
})

describe('truncated', () => {
  it('reports an unclosed fence and an open bracket with the end of the text', () => {
    const { findings, summary } = runCheck(
      truncatedCheck,
      recordsOf([{ output: 'Sure:\n```python\ndef f(x):\n    return' }, { output: 'Add 1 (15 oz' }, { output: 'All done.' }]),
      { textFields: ['output'] }
    )
    expect(findings).toEqual([
      { line: 1, field: 'output', message: '`output` ends inside a code fence opened on its line 2 and never closed', excerpt: '…Sure:\n```python\ndef f(x):\n    return' },
      { line: 2, field: 'output', message: '`output` ends inside an open `(` without closing it or finishing the sentence', excerpt: '…Add 1 (15 oz' }
    ])
    expect(summary).toEqual({ fence: 1, bracket: 1, length: 0 })
  })

  it('reports records that stop mid-word at the same round length, once that length stands out from its neighbours', () => {
    const rows = [cutAt(512, 'a'), cutAt(512, 'b'), cutAt(300, 'c'), cutAt(512, 'd') + '.', cutAt(1024, 'e')].map((output) => ({ output }))
    expect(rows.map((row) => Array.from(row.output).length)).toEqual([512, 512, 300, 513, 1024])
    const { findings, summary } = runCheck(truncatedCheck, recordsOf(rows), { textFields: ['output'] })
    const message = '`output` stops mid-word at exactly 512 characters, as 2 records do (0 stop mid-word within 16 characters of it): probably cut at a length limit'
    expect(findings).toEqual([
      { line: 1, field: 'output', message },
      { line: 2, field: 'output', message }
    ])
    expect(summary.length).toBe(2)
    // One text at a round length is chance, unless minSameLength says otherwise.
    const single = runCheck(truncatedCheck, recordsOf([rows[4]]), { textFields: ['output'], config: { minSameLength: 1 } })
    expect(single.findings.map((finding) => finding.message)).toEqual([
      '`output` stops mid-word at exactly 1024 characters, as 1 records do (0 stop mid-word within 16 characters of it): probably cut at a length limit'
    ])
  })

  it('counts UTF-8 bytes too, and does not call a common length a spike', () => {
    const cut = 'é'.repeat(100) + 'x'.repeat(56)
    expect(Buffer.byteLength(cut)).toBe(256)
    expect(runCheck(truncatedCheck, recordsOf([{ t: cut }, { t: cut }]), { textFields: ['t'] }).findings[0].message).toMatch(/^`t` stops mid-word at exactly 256 bytes, as 2 records do/)
    // Two texts at 256 among one at every length from 240 to 272: just as common as its neighbours.
    const everyLength = Array.from({ length: 33 }, (_, i) => cutAt(240 + i, 'x'))
    expect(cutLengthSpikesOf([...everyLength, cutAt(256, 'y')], 2)).toEqual([])
    expect(cutLengthSpikesOf([cutAt(256, 'x'), cutAt(256, 'y'), cutAt(250, 'z')], 2)).toEqual([{ length: 256, unit: 'characters', exact: 2, lines: [1, 2], near: 1 }])
    // Characters are code points: a surrogate pair is one, a lone surrogate too.
    const astral = '😀'.repeat(10) + '\ud800' + 'a'.repeat(501)
    expect(cutLengthSpikesOf([astral, astral], 2)).toEqual([{ length: 512, unit: 'characters', exact: 2, lines: [1, 2], near: 0 }])
  })

  itReal('finds nothing in HumanEval, whose prompts end open on purpose, nor in GSM8K', () => {
    const humanEval = runCheck(truncatedCheck, recordsOf(readJsonl('human-eval/HumanEval.jsonl')), { textFields: ['prompt', 'canonical_solution', 'test'] })
    expect(humanEval.findings).toEqual([])
    for (const split of ['test', 'train']) {
      expect(runCheck(truncatedCheck, recordsOf(readJsonl(`grade-school-math/${split}.jsonl`)), { textFields: ['question', 'answer'] }).findings).toEqual([])
    }
  })

  itReal('finds the 5 davinci responses cut inside a bracket, and none in text-davinci-003\'s', () => {
    const davinci = runCheck(truncatedCheck, recordsOf(readJsonl('self-instruct/davinci_predictions.jsonl')), { textFields: ['response'] })
    expect(davinci.findings.map((finding) => [finding.line, finding.excerpt])).toEqual([
      [39, '…ut:\n\\begin{table}[h]\n\\begin{center}\n\\begin{tabular'],
      [40, '…de:\n\nThe following is the code:\n\n\\begin{figure}[ht'],
      [82, '…ychologist.\n\nInput: The Silence of the Lambs (1991'],
      [202, '… sauce\n1 (15 oz) can mild enchilada sauce\n1 (15 oz'],
      [232, '…merica" or C7="South America" or C7="Europe" or C7']
    ])
    expect(runCheck(truncatedCheck, recordsOf(readJsonl('self-instruct/text-davinci-003_predictions.jsonl')), { textFields: ['response'] }).findings).toEqual([])
  })

  itReal('does not mistake the 3 toolformer instructions that happen to be 256 characters for a cut (209 more stop within 16 of it)', () => {
    const rows = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings } = runCheck(truncatedCheck, recordsOf(rows), { textFields: ['instruction', 'input', 'output'] })
    expect(findings).toEqual([])
    expect(cutLengthSpikesOf(rows.map((row) => String(row.instruction)), 1)).toEqual([])
  })
})
