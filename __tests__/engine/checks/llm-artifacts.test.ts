import { asksForAiPersona, findArtifacts, findArtifactsUnfiltered, llmArtifactsCheck } from '../../../src/engine/checks/llm-artifacts.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, realRecords, stringFields } from '../../helpers/realdata.js'
import { adversarialTexts, disagreements, realTexts } from './prefilter-corpus.js'

const categories = (text: string): string[] => findArtifacts(text).map((match) => `${match.category}: ${match.phrase}`)
const check = (rows: RecordFields[], textFields: string[], config = {}) => runCheck(llmArtifactsCheck, recordsOf(rows), { textFields, config })

describe('findArtifacts', () => {
  it('finds self-identification', () => {
    expect(categories('As an AI language model, I cannot predict the future.')).toEqual(['self-identification: As an AI language model'])
    expect(categories('As an AI, I think so.')).toEqual(['self-identification: As an AI'])
    expect(categories("I'm just an AI, but I am a large language model trained by OpenAI.")).toEqual([
      "self-identification: I'm just an AI",
      'self-identification: I am a large language model',
      'self-identification: trained by OpenAI'
    ])
    expect(categories('I don’t have personal opinions, but here are both sides.')).toEqual(['self-identification: I don’t have personal opinions'])
  })

  it('finds refusals', () => {
    expect(categories("I'm sorry, but I can't help with that.")).toEqual(["refusal: I'm sorry, but I can't"])
    expect(categories('I cannot fulfill this request. I apologize, but it is against policy.')).toEqual([
      'refusal: I cannot fulfill',
      'refusal: I apologize, but'
    ])
  })

  it('finds knowledge-cutoff disclaimers', () => {
    expect(categories('As of my last update in 2021, my knowledge cutoff means I don’t have access to real-time data.')).toEqual([
      'cutoff: As of my last update',
      'cutoff: my knowledge cutoff',
      'cutoff: I don’t have access to real-time'
    ])
  })

  it('finds template openers only at the start', () => {
    expect(categories("Sure! Here's a poem about the sea.")).toEqual(["boilerplate: Sure! Here's"])
    expect(categories('Certainly! Here is the list.')).toEqual(['boilerplate: Certainly! Here is'])
    expect(categories("The answer is 4. Sure! Here's more.")).toEqual([])
    expect(categories('Certainly! As a park ranger, I suggest three tips.')).toEqual([])
  })

  it('leaves ordinary prose alone', () => {
    for (const prose of [
      'I cannot help but reflect on how society shapes my writing.',
      'I cannot express my joy in words.',
      'the development of powerful language models like GPT-3',
      "I'm sorry to hear that you're feeling lonely.",
      'As an AI-created Shakespearean actor, I would study the text.',
      'He bought an air fryer as an aid for cooking.',
      'There is an equal and opposite reaction.'
    ]) {
      expect(categories(prose)).toEqual([])
    }
  })
})

/** Every expansion of `{a|b|}` groups in `template`, left to right (an empty choice allowed). */
function expand(template: string): string[] {
  const group = /\{([^{}]*)\}/.exec(template)
  if (group === null) return [template]
  return group[1].split('|').flatMap((choice) => expand(template.slice(0, group.index) + choice + template.slice(group.index + group[0].length)))
}

/** Each pattern's phrases, every optional part and alternative spelled out. */
const ARTIFACT_TEMPLATES = [
  'as an {AI|artificial intelligence}{ language model| assistant| model|}',
  'as a {large |}language model',
  'AI language model',
  "I{'|’|}m {just |only |merely |simply |}{an AI|a language model|a large language model|an artificial intelligence|a chatbot|a virtual assistant}",
  'I am {just |only |merely |simply |}{an AI|a language model|a large language model|an artificial intelligence|a chatbot|a virtual assistant}',
  '{trained|developed|created|built} by OpenAI',
  "I{'m|’m| am} ChatGPT",
  "I {don't|don’t|do not} have {personal |}{opinions|feelings|emotions|beliefs|preferences|a physical body}{,|.|;| or| and| as| like}",
  "I{'m|’m|m| am} sorry{,|} but I{'m|’m| am|} {can't|can’t|cant|cannot|unable|not able|won't|won’t|do not|don't|don’t|must}",
  "I{'m| am} sorry{,|} but as an AI",
  'I apologi{s|z}e{,|} but',
  "I {cannot|can't|can’t|cant|am unable to|'m unable to|’m unable to} {fulfill|fulfil|comply with|assist with|help with that|provide assistance with}",
  'I {must|have to} {respectfully |}decline',
  'my {knowledge|training} cut{-|}off',
  'knowledge cut{-|}off {date|of}',
  'as of my {last|latest|most recent} {update|training|knowledge update|data update}',
  "I {don't|don’t|do not} have {access to |}real-time",
  "I {don't|don’t|do not|cannot|can't|can’t|cant} {browse|access|search} the {internet|web}",
  'my training data {only |}{goes|extends|runs} {up |}{to|until}',
  "{Sure|Certainly|Of course|Absolutely}{!|,|.} {here's|here’s|heres|here is|here are|I'd be happy to|I’d be glad to|I would be happy to|I would be glad to}",
  '{ |\n\t}Sure! here is',
  'I hope this helps'
]

describe('prefilter', () => {
  const phrases = ARTIFACT_TEMPLATES.flatMap(expand)

  it('finds exactly what the patterns find in every phrase they take, in any case, at the start, the end and inside text', () => {
    const flip = (text: string): string => [...text].map((char, i) => (i % 2 === 0 ? char.toUpperCase() : char.toLowerCase())).join('')
    const texts = phrases.flatMap((phrase) => [phrase, phrase.toUpperCase(), flip(phrase), `x ${phrase}`, `${phrase} x`, `Well… ${flip(phrase)}, then (${phrase.toUpperCase()}).`])
    expect(phrases.length).toBeGreaterThan(500)
    expect(disagreements(texts, findArtifacts, findArtifactsUnfiltered)).toEqual([])
    // Every phrase is an artifact: the agreement is not over empty results.
    expect(phrases.filter((phrase) => findArtifactsUnfiltered(phrase).length === 0)).toEqual([])
  })

  it('finds exactly what the patterns find on generated adversarial text', () => {
    const sample = ARTIFACT_TEMPLATES.map((template) => expand(template)[0])
    expect(disagreements(adversarialTexts(sample), findArtifacts, findArtifactsUnfiltered)).toEqual([])
  })

  itReal('finds exactly what the patterns find on the real vectors, the roleplay file with its 23 disclaimers among them', () => {
    const texts = realTexts()
    expect(disagreements(texts, findArtifacts, findArtifactsUnfiltered)).toEqual([])
    expect(texts.filter((text) => findArtifacts(text).length > 0).length).toBeGreaterThan(20)
  })
})

describe('asksForAiPersona', () => {
  it('recognises prompts that cast the model as an AI', () => {
    for (const prompt of [
      'Pretend to be an AI language model in the year 2100.',
      'Roleplay as the first AI therapist, helping a client.',
      "Assume you're an AI personal assistant and the user asks...",
      'You are a futuristic AI judge presiding over a case.',
      'As an AI in a futuristic city, explain how you control traffic.',
      'Role play as an Artificial Intelligence Life Coach.'
    ]) {
      expect(asksForAiPersona(prompt)).toBe(true)
    }
  })

  it('does not take a prompt about AI, or a plain assistant system prompt, for a persona', () => {
    expect(asksForAiPersona('Write an essay on AI ethics.')).toBe(false)
    expect(asksForAiPersona('Imagine you are Sir Isaac Newton.')).toBe(false)
    expect(asksForAiPersona('You are a helpful AI assistant.')).toBe(false)
    expect(asksForAiPersona('You are an AI assistant that helps people find information.')).toBe(false)
    expect(asksForAiPersona('You are a chatbot. Answer briefly.')).toBe(false)
    // Asked to play one, an assistant is a character.
    expect(asksForAiPersona('Role play as an AI assistant who has gained sentience.')).toBe(true)
  })
})

describe('llm-artifacts check', () => {
  it('reads output fields rather than instructions, and names the category', () => {
    const { findings, summary } = check(
      [
        { instruction: 'Predict the stock market.', output: 'As an AI language model, I cannot browse the internet.' },
        { instruction: 'Say hi', output: 'Hi!' }
      ],
      ['instruction', 'output']
    )
    expect(findings).toEqual([
      {
        line: 1,
        field: 'output',
        message: 'LLM artifact, assistant self-identification: “As an AI language model”',
        excerpt: 'As an AI language model, I cannot browse the internet.'
      },
      {
        line: 1,
        field: 'output',
        message: 'LLM artifact, knowledge-cutoff disclaimer: “I cannot browse the internet”',
        excerpt: 'As an AI language model, I cannot browse the internet.'
      }
    ])
    expect(summary).toEqual({
      records: 2,
      recordsWithArtifacts: 1,
      categories: { 'self-identification': 1, cutoff: 1 },
      inCharacter: 0,
      fields: ['output']
    })
  })

  it('reports template openers as info and counts repeats in a field', () => {
    const { findings } = check([{ response: "Sure! Here's the list. I apologize, but no. I apologize, but again no." }], ['response'])
    expect(findings).toEqual([
      { line: 1, field: 'response', message: 'LLM artifact, template boilerplate: “Sure! Here\'s”', excerpt: "Sure! Here's the list. I apologize, but no. I apologize, but a…", severity: 'info' },
      { line: 1, field: 'response', message: 'LLM artifact, refusal: “I apologize, but” (2 in this field)', excerpt: "Sure! Here's the list. I apologize, but no. I apologize, but again no." }
    ])
  })

  it('masks personal data in the excerpt', () => {
    const { findings } = check([{ output: "I'm sorry, but I can't email jane.doe@gmail.com for you." }], ['output'])
    expect(findings[0].excerpt).toBe("I'm sorry, but I can't email j****e@g****.com for you.")
  })

  it("only reads the assistant's turns of a chat transcript", () => {
    const conversations = [
      { from: 'human', value: 'As an AI language model, what do you think?' },
      { from: 'gpt', value: "I'm sorry, but I can't share opinions." }
    ]
    const messages = [
      { role: 'user', content: "I'm sorry, but I cannot attend." },
      { role: 'assistant', content: [{ type: 'text', text: 'Certainly! Here is the plan.' }] }
    ]
    const { findings } = check([{ conversations }, { messages }], [])
    expect(findings.map((finding) => [finding.line, finding.field, finding.message])).toEqual([
      [1, 'conversations', 'LLM artifact, refusal: “I\'m sorry, but I can\'t”'],
      [2, 'messages', 'LLM artifact, template boilerplate: “Certainly! Here is”']
    ])
  })

  it('still warns when the only AI persona is a plain assistant system prompt', () => {
    const messages = [
      { role: 'system', content: 'You are an AI assistant. User will give you a task.' },
      { role: 'user', content: 'What will the stock market do tomorrow?' },
      { role: 'assistant', content: 'As an AI language model, I cannot predict markets.' }
    ]
    const { findings } = check([{ messages }], [])
    expect(findings).toEqual([
      { line: 1, field: 'messages', message: 'LLM artifact, assistant self-identification: “As an AI language model”', excerpt: 'As an AI language model, I cannot predict markets.' }
    ])
  })

  it('reads every text field when none looks like an output, and the configured fields when set', () => {
    expect(check([{ text: 'As an AI, I think so.' }], ['text']).findings).toHaveLength(1)
    expect(check([{ output: 'fine', notes: 'As an AI, I think so.' }], ['output', 'notes'], { fields: ['notes'] }).findings).toHaveLength(1)
    expect(check([{ output: 'fine', notes: 'As an AI, I think so.' }], ['output', 'notes']).findings).toHaveLength(0)
  })

  it('reports self-identification asked for by the prompt as info, unless personaAware is off', () => {
    const rows = [{ instruction: 'You are an AI therapist. Help the client.', output: 'As an AI therapist, I suggest rest.' }]
    expect(check(rows, ['instruction', 'output']).findings).toEqual([
      {
        line: 1,
        field: 'output',
        message: 'LLM artifact, assistant self-identification: “As an AI”; the prompt asks for an AI persona, so it may be in character',
        excerpt: 'As an AI therapist, I suggest rest.',
        severity: 'info'
      }
    ])
    expect(check(rows, ['instruction', 'output'], { personaAware: false }).findings[0].severity).toBeUndefined()
  })
})

describe('real data', () => {
  itReal('roleplay: every "As an AI" of the 23 SOURCES.md counts is in character; none is a leftover', () => {
    // SOURCES.md's 23 are outputs containing "As an AI", "language model", "I'm sorry, but" or
    // "I cannot" anywhere. Read one by one: 16 are self-identification the instruction asked for
    // ("Imagine you are an AI therapist" -> "As an AI therapist, ..."), 5 are prose ("I cannot
    // help but reflect", "I cannot eat seafood"), 1 is prose about "language models like GPT-3",
    // 1 is "As an AI-created Shakespearean actor". The check finds the 16, plus 3 the substring
    // count misses ("as an artificial intelligence", "I am an AI assistant", "Though I am an AI"),
    // all 19 with an AI-persona prompt, so info. Two outputs open with a template phrase.
    const records = realRecords('AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json')
    expect(records).toHaveLength(3146)
    const { findings, summary } = runCheck(llmArtifactsCheck, records, { textFields: stringFields(records) })
    expect(summary).toEqual({ records: 3146, recordsWithArtifacts: 0, categories: { boilerplate: 2 }, inCharacter: 19, fields: ['output'] })
    expect(findings.every((finding) => finding.severity === 'info')).toBe(true)
    const inCharacter = findings.filter((finding) => finding.message.includes('in character')).map((finding) => finding.line)
    // Record positions (1-based) in the JSON array.
    expect(inCharacter).toEqual([50, 187, 223, 240, 295, 421, 451, 684, 806, 1271, 1713, 1996, 1997, 2002, 2032, 2062, 2274, 2578, 2965])
    expect(findings.filter((finding) => finding.message.includes('boilerplate')).map((finding) => [finding.line, finding.message])).toEqual([
      [1134, 'LLM artifact, template boilerplate: “Of course, I would be glad to”'],
      [1180, 'LLM artifact, template boilerplate: “Certainly, here are”']
    ])
    // Without the persona rule the same 19 are warnings.
    const strict = runCheck(llmArtifactsCheck, records, { textFields: stringFields(records), config: { personaAware: false } })
    expect(strict.summary.categories).toEqual({ 'self-identification': 19, boilerplate: 2 })
  })

  itReal('finds no artifacts in GSM8K answers or in the self-instruct predictions', () => {
    for (const file of ['grade-school-math/test.jsonl', 'grade-school-math/train.jsonl', 'self-instruct/davinci_predictions.jsonl', 'self-instruct/text-davinci-003_predictions.jsonl']) {
      const records = realRecords(file)
      const { findings } = runCheck(llmArtifactsCheck, records, { textFields: stringFields(records) })
      expect({ file, findings }).toEqual({ file, findings: [] })
    }
  })

  itReal('finds the six "Sure, here\'s" openers of the toolformer outputs', () => {
    const records = realRecords('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings } = runCheck(llmArtifactsCheck, records, { textFields: ['instruction', 'input', 'output'] })
    expect(findings.map((finding) => finding.line)).toEqual([1381, 1405, 1693, 4202, 6387, 6388])
    expect(findings.every((finding) => finding.severity === 'info' && finding.field === 'output')).toBe(true)
  })
})
