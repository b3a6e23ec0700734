import { textOf, truncate, valueAt } from '../text.js'
import { isPlainAscii } from './detectors/ascii-scan.js'
import type { Check, Emit } from './types.js'

/**
 * Encoding damage in text fields: mojibake (UTF-8 bytes decoded with a legacy single-byte
 * encoding), U+FFFD replacement characters, control characters, and invisible zero-width or
 * bidirectional formatting characters.
 *
 * The mojibake detector ports the idea of ftfy's `badness` heuristic (rspeer/python-ftfy,
 * Apache-2.0): only about 400 characters ever show up in mis-decoded UTF-8, and some pairs of
 * them (an accented capital before a currency sign, `Ã` before a no-break space...) almost
 * never occur in real text. A text is only called mojibake when such a pair is present *and*
 * re-encoding the suspicious part in a legacy encoding gives valid UTF-8, which is also how the
 * likely fix is found. An accented letter on its own is never enough.
 */

/** Per kind of damage, how many fields had it. */
export interface EncodingSummary {
  mojibake: number
  replacement: number
  surrogate: number
  control: number
  invisible: number
}

// Character categories of the badness heuristic, after ftfy's MOJIBAKE_CATEGORIES.
/** Appear in many contexts; sequences with them are not mojibake by themselves. */
const COMMON = '\u00a0\u00ad\u00b7\u00b4\u2013\u2014\u2015\u2026\u2019'
/** C1 controls: nothing produces them any more except Latin-1 decoding of Windows-1252 bytes. */
const C1 = '\u0080-\u009f'
/** Characters that are almost only ever seen in mojibake. */
const BAD = '\u00a6\u00a4\u00a8\u00ac\u00af\u00b8\u0192\u02c6\u02c7\u02d8\u02db\u02dc\u2020\u2021\u2030\u2310\u25ca\ufffd\u00aa\u00ba'
const LAW = '\u00b6\u00a7'
const CURRENCY = '\u00a2\u00a3\u00a5\u20a7\u20ac'
const START_PUNCTUATION = '\u00a1\u00ab\u00bf\u00a9\u0384\u0385\u2018\u201a\u201c\u201e\u2022\u2039\uf8ff'
const END_PUNCTUATION = '\u00ae\u00bb\u02dd\u201d\u203a\u2122'
const NUMERIC = '\u00b2\u00b3\u00b9\u00b1\u00bc\u00bd\u00be\u00d7\u00b5\u00f7\u2044\u2202\u2206\u220f\u2211\u221a\u221e\u2229\u222b\u2248\u2260\u2261\u2264\u2265\u2116'
/** Letters used in kaomoji faces, so they get more lenient treatment. */
const KAOMOJI = '\u00d2-\u00d6\u00d9-\u00dc\u00f2-\u00f6\u00f8-\u00fc\u0150\u014c\u016a\u0172\u00b0'
const UPPER_ACCENTED =
  '\u00c0-\u00d1\u00d8\u00dc\u00dd\u0102\u0100\u0104\u0106\u010c\u010e\u0110\u0118\u011a\u0112\u0116\u011e\u0122\u0130\u012a\u0136\u0139\u013d\u0141\u013b\u0143\u0147\u0145\u0152\u0158\u015a\u015e\u0160\u0162\u0164\u016e\u0170\u0178\u0179\u017b\u017d\u0490'
const LOWER_ACCENTED =
  '\u00df\u00e0-\u00f1\u0103\u0105\u0101\u0107\u010d\u010f\u0111\u0119\u011b\u0113\u0117\u011f\u0123\u012f\u012b\u0137\u013a\u013e\u0142\u013c\u0153\u0155\u015b\u015f\u0161\u0165\u00fc\u017a\u017c\u017e\u0491\ufb01\ufb02'
const UPPER_COMMON = '\u00de\u0391-\u03a9\u0386\u0388\u0389\u038a\u038c\u038e\u038f\u03aa\u03ab\u0401-\u042f'
const LOWER_COMMON = '\u03b1-\u03c9\u03ac\u03ad\u03ae\u03af\u03b0\u0430-\u045f'
const BOX = '\u2502\u250c\u2510\u2518\u251c\u2524\u252c\u253c\u2550-\u256c\u2580\u2584\u2588\u258c\u2590\u2591\u2592\u2593'

/** A word character in Python's Unicode sense, which the heuristic was tuned with. */
const WORD = '[\\p{L}\\p{N}_]'
const ARABIC_FOLLOWER = `[${COMMON}${CURRENCY}${BAD}${NUMERIC}${START_PUNCTUATION}\u0178\u0160\u00ae\u00b0\u00b5\u00bb]`

/**
 * Unlikely juxtapositions of the characters above: any match means the text probably holds
 * mojibake. Every alternative is a fixed-length run of character classes, so matching is linear.
 */
const BADNESS = new RegExp(
  [
    `[${C1}]`,
    `[${BAD}${LOWER_ACCENTED}${UPPER_ACCENTED}${BOX}${START_PUNCTUATION}${END_PUNCTUATION}${CURRENCY}${NUMERIC}${LAW}][${BAD}]`,
    `[a-zA-Z][${LOWER_COMMON}${UPPER_COMMON}][${BAD}]`,
    `[${BAD}][${LOWER_ACCENTED}${UPPER_ACCENTED}${BOX}${START_PUNCTUATION}${END_PUNCTUATION}${CURRENCY}${NUMERIC}${LAW}]`,
    `[${LOWER_ACCENTED}${LOWER_COMMON}${BOX}${END_PUNCTUATION}${CURRENCY}${NUMERIC}][${UPPER_ACCENTED}]`,
    `[${BOX}${END_PUNCTUATION}${CURRENCY}${NUMERIC}][${LOWER_ACCENTED}]`,
    `[${LOWER_ACCENTED}${BOX}${END_PUNCTUATION}][${CURRENCY}]`,
    `\\s[${UPPER_ACCENTED}][${CURRENCY}]`,
    `[${UPPER_ACCENTED}${BOX}][${NUMERIC}${LAW}]`,
    `[${LOWER_ACCENTED}${UPPER_ACCENTED}${BOX}${CURRENCY}${END_PUNCTUATION}][${START_PUNCTUATION}][${NUMERIC}]`,
    `[${LOWER_ACCENTED}${UPPER_ACCENTED}${CURRENCY}${NUMERIC}${BOX}${LAW}][${END_PUNCTUATION}][${START_PUNCTUATION}]`,
    `[${CURRENCY}${NUMERIC}${BOX}][${START_PUNCTUATION}]`,
    `[a-z][${UPPER_ACCENTED}][${START_PUNCTUATION}${CURRENCY}]`,
    `[${BOX}][${KAOMOJI}]`,
    `[${LOWER_ACCENTED}${UPPER_ACCENTED}${CURRENCY}${NUMERIC}${START_PUNCTUATION}${END_PUNCTUATION}${LAW}][${BOX}]`,
    `[${BOX}][${END_PUNCTUATION}]`,
    `[${LOWER_ACCENTED}${UPPER_ACCENTED}][${START_PUNCTUATION}${END_PUNCTUATION}]${WORD}`,
    // The ligature œ not followed by an unaccented Latin letter.
    '[\u0152\u0153][^A-Za-z]',
    // A degree sign after an accented capital.
    `[${UPPER_ACCENTED}]\u00b0`,
    // Common two-character Windows-1252 mojibake the rules above miss.
    `[\u00c2\u00c3\u00ce\u00d0][\u20ac\u0153\u0160\u0161\u00a2\u00a3\u0178\u017e\u00a0\u00ad\u00ae\u00a9\u00b0\u00b7\u00bb${START_PUNCTUATION}${END_PUNCTUATION}\u2013\u2014\u00b4]`,
    '\u00d7[\u00b2\u00b3]',
    // Arabic read as Windows-1252 uses common characters, so four of them are required.
    `[\u00d8\u00d9]${ARABIC_FOLLOWER}[\u00d8\u00d9]${ARABIC_FOLLOWER}`,
    // The start of three-byte sequences of South Asian scripts.
    '\u00e0[\u00b2\u00b5\u00b9\u00bc\u00bd\u00be]',
    // MacRoman.
    '\u221a[\u00b1\u2202\u2020\u2260\u00ae\u2122\u00b4\u2264\u2265\u00a5\u00b5\u00f8]',
    '\u2248[\u00b0\u00a2]',
    '\u201a\u00c4[\u00ec\u00ee\u00ef\u00f2\u00f4\u00fa\u00f9\u00fb\u2020\u00b0\u00a2\u03c0]',
    '\u201a[\u00e2\u00f3][\u00e0\u00e4\u00b0\u00ea]',
    // Windows-1251: punctuation of the U+2000 block, and three-character Cyrillic runs.
    '\u0432\u0402',
    `[\u0412\u0413\u0420\u0421][${C1}${BAD}${START_PUNCTUATION}${END_PUNCTUATION}${CURRENCY}\u00b0\u00b5][\u0412\u0413\u0420\u0421]`,
    '\u0413\u045e\u0412\u0402\u0412.[A-Za-z ]',
    // `à`, `á` and the no-break space itself in Windows-1252, including the no-break space lost to a space.
    '\u00c3[\u00a0\u00a1]',
    '[a-z]\\s?[\u00c3\u00c2] ',
    '^[\u00c3\u00c2] ',
    // `Â` before the very character it came from.
    `[a-z.,?!${END_PUNCTUATION}]\u00c2[ ${START_PUNCTUATION}${END_PUNCTUATION}]`,
    // Windows-1253.
    '\u03b2\u20ac[\u2122\u00a0\u0386\u00ad\u00ae\u00b0]',
    `[\u0392\u0393\u039e\u039f][${C1}${BAD}${START_PUNCTUATION}${END_PUNCTUATION}${CURRENCY}\u00b0][\u0392\u0393\u039e\u039f]`,
    // Windows-1257.
    '\u0101\u20ac'
  ].join('|'),
  'u'
)

/** True when `text` holds a character sequence typical of mis-decoded UTF-8 (ftfy's `is_bad`). */
export function looksBad(text: string): boolean {
  return BADNESS.test(text)
}

/** One legacy encoding as a two-way table between its upper 128 bytes and characters. */
interface LegacyEncoding {
  /** As people know it, for messages. */
  name: string
  /** Reads undefined bytes as Latin-1 and writes U+FFFD as 0x1A, as Windows programs effectively do. */
  sloppy: boolean
  /** Whether a space may stand for a lost 0xA0 byte: not in MacRoman, where `– ` would match. */
  restoresA0: boolean
  /** Character code point to byte, for the non-ASCII characters the encoding has. */
  toByte: Map<number, number>
}

/**
 * What the bytes 0x80-0xFF read as in each legacy encoding (Python's codecs; bytes an encoding
 * leaves undefined read as Latin-1, the "sloppy" way Windows programs do). Spelled out rather
 * than taken from TextDecoder: Node's decoder reads windows-1252 as Latin-1, and builds
 * without full ICU have none of the others.
 */
const UPPER_HALVES = {
  WINDOWS_1252: '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ',
  WINDOWS_1251: 'ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\u0098™љ›њќћџ\u00a0ЎўЈ¤Ґ¦§Ё©Є«¬\u00ad®Ї°±Ііґµ¶·ё№є»јЅѕїАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя',
  WINDOWS_1250: '€\u0081‚\u0083„…†‡\u0088‰Š‹ŚŤŽŹ\u0090‘’“”•–—\u0098™š›śťžź\u00a0ˇ˘Ł¤Ą¦§¨©Ş«¬\u00ad®Ż°±˛ł´µ¶·¸ąş»Ľ˝ľżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙',
  WINDOWS_1253: '€\u0081‚ƒ„…†‡\u0088‰\u008a‹\u008c\u008d\u008e\u008f\u0090‘’“”•–—\u0098™\u009a›\u009c\u009d\u009e\u009f\u00a0΅Ά£¤¥¦§¨©ª«¬\u00ad®―°±²³΄µ¶·ΈΉΊ»Ό½ΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡÒΣΤΥΦΧΨΩΪΫάέήίΰαβγδεζηθικλμνξοπρςστυφχψωϊϋόύώÿ',
  WINDOWS_1254: '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008d\u008e\u008f\u0090‘’“”•–—˜™š›œ\u009d\u009eŸ\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏĞÑÒÓÔÕÖ×ØÙÚÛÜİŞßàáâãäåæçèéêëìíîïğñòóôõö÷øùúûüışÿ',
  WINDOWS_1257: '€\u0081‚\u0083„…†‡\u0088‰\u008a‹\u008c¨ˇ¸\u0090‘’“”•–—\u0098™\u009a›\u009c¯˛\u009f\u00a0¡¢£¤¥¦§Ø©Ŗ«¬\u00ad®Æ°±²³´µ¶·ø¹ŗ»¼½¾æĄĮĀĆÄÅĘĒČÉŹĖĢĶĪĻŠŃŅÓŌÕÖ×ŲŁŚŪÜŻŽßąįāćäåęēčéźėģķīļšńņóōõö÷ųłśūüżž˙',
  ISO_8859_2: '\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f\u00a0Ą˘Ł¤ĽŚ§¨ŠŞŤŹ\u00adŽŻ°ą˛ł´ľśˇ¸šşťź˝žżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙',
  MAC_ROMAN: 'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ',
  CP437: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'
} as const

function legacyEncoding(name: string, upperHalf: string, { sloppy, restoresA0 }: Pick<LegacyEncoding, 'sloppy' | 'restoresA0'>): LegacyEncoding {
  const toByte = new Map<number, number>()
  Array.from(upperHalf).forEach((char, i) => {
    const byte = 0x80 + i
    if (!toByte.has(char.codePointAt(0)!)) toByte.set(char.codePointAt(0)!, byte)
  })
  if (sloppy) {
    // Latin-1 too: a C1 control is the byte itself (Latin-1 and Windows-1252 text mixed up).
    for (let byte = 0x80; byte <= 0x9f; byte++) if (!toByte.has(byte)) toByte.set(byte, byte)
    // ftfy's sloppy codecs write U+FFFD as byte 0x1A, so lossy sequences can still be located.
    toByte.set(0xfffd, 0x1a)
  }
  return { name, sloppy, restoresA0, toByte }
}

/** The encodings UTF-8 is most often mistaken for, in the order they are tried (ftfy's order). */
const LEGACY_ENCODINGS: readonly LegacyEncoding[] = [
  legacyEncoding('Windows-1252', UPPER_HALVES.WINDOWS_1252, { sloppy: true, restoresA0: true }),
  legacyEncoding('Windows-1251', UPPER_HALVES.WINDOWS_1251, { sloppy: true, restoresA0: true }),
  legacyEncoding('Windows-1250', UPPER_HALVES.WINDOWS_1250, { sloppy: true, restoresA0: true }),
  legacyEncoding('Windows-1253', UPPER_HALVES.WINDOWS_1253, { sloppy: true, restoresA0: true }),
  legacyEncoding('Windows-1254', UPPER_HALVES.WINDOWS_1254, { sloppy: true, restoresA0: true }),
  legacyEncoding('Windows-1257', UPPER_HALVES.WINDOWS_1257, { sloppy: true, restoresA0: true }),
  legacyEncoding('ISO-8859-2', UPPER_HALVES.ISO_8859_2, { sloppy: false, restoresA0: true }),
  // In MacRoman `– ` (en dash, space) would pass for a lost 0xA0.
  legacyEncoding('MacRoman', UPPER_HALVES.MAC_ROMAN, { sloppy: false, restoresA0: false }),
  legacyEncoding('code page 437', UPPER_HALVES.CP437, { sloppy: false, restoresA0: true })
]

/** `text` as bytes of `encoding`, or undefined when a character has no byte there. */
function encodeLegacy(text: string, encoding: LegacyEncoding): number[] | undefined {
  const bytes: number[] = []
  for (const char of text) {
    const codePoint = char.codePointAt(0)!
    if (codePoint < 0x80) {
      bytes.push(codePoint)
      continue
    }
    const byte = encoding.toByte.get(codePoint)
    if (byte === undefined) return undefined
    bytes.push(byte)
  }
  return bytes
}

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x80 && byte <= 0xbf
/** Continuation bytes likely to sit next to a no-break space that became a space (not 0x85, 0xA0). */
const isLikelyNearSpace = (byte: number | undefined): boolean => isContinuation(byte) && byte !== 0x85 && byte !== 0xa0

/** Lead bytes whose sequence with 0xA0 is a likely character: U+A0, `à`, `Š`, `Π`, `Р`, `٠`. */
const A0_LEADS = [0xc2, 0xc3, 0xc5, 0xce, 0xd0, 0xd9]

/** Portuguese words that follow `Ã ` when it was `à` glued to them (`àquele`, `às`). */
const GLUED_AFTER_A_GRAVE = ['quele', 'quela', 'quilo', 's ']

/**
 * `Ã ` (bytes C3 20) was usually `à` followed by a space whose no-break byte was lost with it,
 * so `à` gets its 0xA0 back and the space stays, as in ftfy's `fix_a_grave`; except where the
 * next word shows they were glued (Portuguese `às`, `àquele`).
 */
function keepSpaceAfterAGrave(bytes: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    out.push(bytes[i])
    if (bytes[i] !== 0xc3 || bytes[i + 1] !== 0x20 || bytes[i + 2] === 0x20) continue
    const next = String.fromCharCode(...bytes.slice(i + 2, i + 7))
    if (!GLUED_AFTER_A_GRAVE.some((word) => next.startsWith(word))) out.push(0xa0)
  }
  return out
}

/**
 * Puts back the 0xA0 bytes that a Windows program turned into spaces inside UTF-8 sequences
 * (`Ã ` for `à`, `Å ` for `Š`), the way ftfy's `restore_byte_a0` does: only after lead bytes whose
 * 0xA0 sequence is a likely character.
 */
function restoreByteA0(bytes: number[]): number[] {
  const out = keepSpaceAfterAGrave(bytes)
  for (let i = 0; i < out.length; i++) {
    const byte = out[i]
    if (A0_LEADS.includes(byte) && out[i + 1] === 0x20) out[i + 1] = 0xa0
    else if ((byte === 0xe2 || byte === 0xe3) && out[i + 1] === 0x20 && isLikelyNearSpace(out[i + 2])) out[i + 1] = 0xa0
    else if (byte >= 0xe0 && byte <= 0xe3 && isLikelyNearSpace(out[i + 1]) && out[i + 2] === 0x20) out[i + 2] = 0xa0
    else if (byte === 0xf0) {
      const tail = [out[i + 1], out[i + 2], out[i + 3]]
      const spaces = tail.filter((b) => b === 0x20).length
      if (spaces === 1 && tail.every((b) => b === 0x20 || isContinuation(b))) out[i + 1 + tail.indexOf(0x20)] = 0xa0
    }
  }
  return out
}

/**
 * Decodes UTF-8 strictly, except for what mojibake really contains: CESU-8 surrogate pairs and
 * Java's `C0 80`, and sequences that lost bytes to U+FFFD (`0x1A` here) or, once, to `?`, which
 * become U+FFFD. Undefined when the bytes are not such UTF-8.
 */
function decodeUtf8Variant(bytes: readonly number[], lossy: boolean): string | undefined {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    if (lead === 0x1a && lossy) {
      out += '\ufffd'
      i++
      continue
    }
    if (lead < 0x80) {
      out += String.fromCharCode(lead)
      i++
      continue
    }
    if (lead === 0xc0 && bytes[i + 1] === 0x80) {
      out += '\u0000'
      i += 2
      continue
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (length === 0) return undefined
    const tail = bytes.slice(i + 1, i + length)
    if (tail.length < length - 1) return undefined
    if (tail.every(isContinuation)) {
      let codePoint = lead & (0xff >> (length + 1))
      for (const byte of tail) codePoint = (codePoint << 6) | (byte & 0x3f)
      const minimum = [0, 0, 0x80, 0x800, 0x10000][length]
      if (codePoint < minimum || codePoint > 0x10ffff) return undefined
      if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
        // CESU-8: a high surrogate must be followed by an encoded low surrogate.
        const next = bytes.slice(i + 3, i + 6)
        if (next[0] !== 0xed || !isContinuation(next[1]) || !isContinuation(next[2])) return undefined
        const low = 0xd000 | ((next[1] & 0x3f) << 6) | (next[2] & 0x3f)
        if (low < 0xdc00 || low > 0xdfff) return undefined
        out += String.fromCharCode(codePoint, low)
        i += 6
        continue
      }
      if (codePoint >= 0xdc00 && codePoint <= 0xdfff) return undefined
      out += String.fromCodePoint(codePoint)
      i += length
      continue
    }
    // A sequence that lost some bytes: lost bytes are 0x1A, at most one is `?` (never the last of
    // a two-byte sequence from other leads than C2/C3, where `?` is too common).
    const lost = tail.filter((byte) => byte === 0x1a || byte === 0x3f)
    const questionMarks = tail.filter((byte) => byte === 0x3f).length
    const shapeOk = tail.every((byte) => byte === 0x1a || byte === 0x3f || isContinuation(byte))
    const questionOk = questionMarks <= 1 && (length > 2 || questionMarks === 0 || lead === 0xc2 || lead === 0xc3)
    if (!lossy || !shapeOk || lost.length === 0 || !questionOk) return undefined
    out += '\ufffd'
    i += length
  }
  return out
}

/** Bytes of `encoding` read as the UTF-8 they probably were. */
function redecode(bytes: number[], encoding: LegacyEncoding): string | undefined {
  return decodeUtf8Variant(encoding.restoresA0 ? restoreByteA0(bytes) : bytes, encoding.sloppy)
}

/** Mojibake found in a text, and what it probably was. */
export interface MojibakeHit {
  /** The damaged stretch, widened to whole words. */
  snippet: string
  /** The same stretch decoded properly. */
  fixed: string
  /** The encoding the UTF-8 bytes were wrongly decoded with (the first, when it happened more than once). */
  encoding: string
  /** How many times the text went through the wrong decoding. */
  layers: number
}

/** One round of repair of a whole line: the first legacy encoding that gives back valid UTF-8. */
function fixWholeLine(line: string): { fixed: string; encoding: string } | undefined {
  for (const encoding of LEGACY_ENCODINGS) {
    const bytes = encodeLegacy(line, encoding)
    if (!bytes) continue
    const fixed = redecode(bytes, encoding)
    if (fixed !== undefined && fixed !== line) return { fixed, encoding: encoding.name }
  }
  return undefined
}

/** Start (inclusive) and end (exclusive) of a UTF-8-looking run of characters in `chars`. */
interface Run {
  start: number
  end: number
}

/**
 * Runs of characters that, read as bytes of `encoding`, form complete multi-byte UTF-8
 * sequences: the parts of a mixed text that may have been mis-decoded (ftfy's
 * `decode_inconsistent_utf8`). A run right after another continuation byte is skipped, so a few
 * characters are never "fixed" out of a bigger garble.
 */
function utf8LookingRuns(chars: readonly string[], encoding: LegacyEncoding): Run[] {
  const byteAt = (i: number): number | undefined => {
    if (i < 0 || i >= chars.length) return undefined
    const codePoint = chars[i].codePointAt(0)!
    return codePoint < 0x80 ? codePoint : encoding.toByte.get(codePoint)
  }
  const sequenceAt = (i: number): number => {
    const lead = byteAt(i)
    if (lead === undefined) return 0
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (length === 0) return 0
    for (let k = 1; k < length; k++) {
      const byte = byteAt(i + k)
      // A space may stand for a lost 0xA0 byte, where restoreByteA0 would put it back.
      const lostA0 = encoding.restoresA0 && byte === 0x20 && length === 2 && A0_LEADS.includes(lead)
      if (!isContinuation(byte) && !lostA0) return 0
    }
    return length
  }
  const runs: Run[] = []
  let i = 0
  while (i < chars.length) {
    let length = sequenceAt(i)
    if (length === 0 || isContinuation(byteAt(i - 1))) {
      i++
      continue
    }
    const start = i
    while (length > 0) {
      i += length
      length = sequenceAt(i)
    }
    runs.push({ start, end: i })
  }
  return runs
}

/**
 * Widens `[start, end)` of `chars` to whole words, at most `max` characters each way. Only ASCII
 * whitespace ends a word: a no-break space is often part of the damage.
 */
function widenToWords(chars: readonly string[], start: number, end: number, max = 30): Run {
  const isSpace = (char: string): boolean => char === ' ' || char === '\t' || char === '\r'
  let from = start
  while (from > 0 && start - from < max && !isSpace(chars[from - 1])) from--
  let to = end
  while (to < chars.length && to - end < max && !isSpace(chars[to])) to++
  return { start: from, end: to }
}

/** The mojibake in one line, if any: first the whole line re-decoded, then its UTF-8-looking runs. */
function mojibakeInLine(line: string): MojibakeHit | undefined {
  if (!looksBad(line)) return undefined
  let current = line
  let firstEncoding: string | undefined
  let layers = 0
  // Text can be mis-decoded more than once (`Ã¢â‚¬â„¢`); three rounds cover what occurs.
  while (layers < 3 && looksBad(current)) {
    const step = fixWholeLine(current)
    if (!step) break
    firstEncoding ??= step.encoding
    current = step.fixed
    layers++
  }
  if (firstEncoding !== undefined) {
    const before = Array.from(line)
    const after = Array.from(current)
    let prefix = 0
    while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++
    let suffix = 0
    while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++
    const wide = widenToWords(before, prefix, before.length - suffix)
    const grownLeft = prefix - wide.start
    const grownRight = wide.end - (before.length - suffix)
    return {
      snippet: before.slice(wide.start, wide.end).join(''),
      fixed: after.slice(prefix - grownLeft, after.length - suffix + grownRight).join(''),
      encoding: firstEncoding,
      layers
    }
  }
  const chars = Array.from(line)
  for (const encoding of LEGACY_ENCODINGS) {
    for (const run of utf8LookingRuns(chars, encoding)) {
      const text = chars.slice(run.start, run.end).join('')
      if (!looksBad(text)) continue
      const bytes = encodeLegacy(text, encoding)
      const fixed = bytes && redecode(bytes, encoding)
      if (fixed === undefined || fixed === text) continue
      const wide = widenToWords(chars, run.start, run.end)
      return {
        snippet: chars.slice(wide.start, wide.end).join(''),
        fixed: chars.slice(wide.start, run.start).join('') + fixed + chars.slice(run.end, wide.end).join(''),
        encoding: encoding.name,
        layers: 1
      }
    }
  }
  return undefined
}

/**
 * The first stretch of mojibake in `text` with its probable repair, or undefined. Precise by
 * design: it needs both a badness pattern and a re-encoding that yields valid UTF-8.
 */
export function findMojibake(text: string): MojibakeHit | undefined {
  // Nearly all text is ASCII or ordinary accented text; the pattern test rules it out quickly.
  if (!/[\u0080-\u{10ffff}]/u.test(text) || !looksBad(text)) return undefined
  for (const line of text.split('\n')) {
    const hit = mojibakeInLine(line)
    if (hit) return hit
  }
  return undefined
}

/** Names of the invisible formatting characters the check reports. */
const INVISIBLE_NAMES: Record<number, string> = {
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'byte-order mark'
}
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u
/** C0 controls other than tab, line feed and carriage return; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/gu
const REPLACEMENT = /\ufffd/gu
/** Half of a surrogate pair: what is left of a character (often an emoji) cut in the middle. */
const LONE_SURROGATE = /\p{Cs}/gu

/** A joiner between two characters that need it: emoji sequences, and scripts like Persian or Devanagari. */
const JOINABLE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]|(?=[\p{L}\p{M}])[^\p{Script=Latin}\p{Script=Common}]/u

function isWantedJoiner(text: string, index: number): boolean {
  const before = Array.from(text.slice(Math.max(0, index - 2), index)).pop()
  const after = Array.from(text.slice(index + 1, index + 3))[0]
  return before !== undefined && after !== undefined && JOINABLE.test(before) && JOINABLE.test(after)
}

/** `U+200B`-style name of a code point. */
export function codePointName(codePoint: number): string {
  return 'U+' + codePoint.toString(16).toUpperCase().padStart(4, '0')
}

/** Shows the invisible characters of `text` as `<U+200B>`, so an excerpt can be read. */
export function makeVisible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it shows
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u00a0\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\p{Cs}]/gu, (char) =>
    `<${codePointName(char.codePointAt(0)!)}>`
  )
}

/** A short excerpt of `text` around `index`, invisible characters shown. */
function excerptAround(text: string, index: number): string {
  // Never cut a surrogate pair: half of one would show as damage that is not there.
  const splitsPair = (at: number): boolean => /[\ud800-\udbff]/.test(text.charAt(at - 1)) && /[\udc00-\udfff]/.test(text.charAt(at))
  let start = Math.max(0, index - 40)
  if (splitsPair(start)) start--
  let end = Math.min(text.length, index + 40)
  if (splitsPair(end)) end++
  return (start > 0 ? '…' : '') + truncate(makeVisible(text.slice(start, end)), 100)
}

/** Distinct code points of the matches of `pattern` in `text`, with the count and the first index. */
function occurrences(text: string, pattern: RegExp, keep: (index: number) => boolean = () => true): { count: number; first: number; codePoints: number[] } {
  let count = 0
  let first = -1
  const codePoints: number[] = []
  for (const match of text.matchAll(pattern)) {
    if (!keep(match.index)) continue
    count++
    if (first < 0) first = match.index
    const codePoint = match[0].codePointAt(0)!
    if (!codePoints.includes(codePoint)) codePoints.push(codePoint)
  }
  return { count, first, codePoints }
}

const plural = (count: number, one: string, many = one + 's'): string => `${count} ${count === 1 ? one : many}`

/** What a C1 control most likely was: the Windows-1252 character with the same byte. */
function c1Meaning(codePoint: number): string | undefined {
  if (codePoint < 0x80 || codePoint > 0x9f) return undefined
  const char = Array.from(UPPER_HALVES.WINDOWS_1252)[codePoint - 0x80]
  return char.codePointAt(0) === codePoint ? undefined : char
}

function checkText(field: string, text: string, line: number, emit: Emit, counts: EncodingSummary): void {
  // Every kind of damage below needs a character outside printable ASCII, tab, LF and CR: a
  // non-ASCII one (mojibake, U+FFFD, surrogates, C1 controls, invisible formatting) or a C0
  // control or DEL. Most text has none, and one pass over its bytes tells.
  if (isPlainAscii(text)) return
  const mojibake = findMojibake(text)
  if (mojibake) {
    counts.mojibake++
    const how = mojibake.layers > 1 ? `decoded as ${mojibake.encoding} ${mojibake.layers} times over` : `decoded as ${mojibake.encoding}`
    emit({
      line,
      field,
      message: `mojibake in \`${field}\`: \`${truncate(makeVisible(mojibake.snippet), 60)}\` looks like UTF-8 ${how}; it probably should read \`${truncate(makeVisible(mojibake.fixed), 60)}\``,
      excerpt: truncate(makeVisible(mojibake.snippet), 120)
    })
  }

  const replacement = occurrences(text, REPLACEMENT)
  if (replacement.count > 0) {
    counts.replacement++
    emit({
      line,
      field,
      message: `${plural(replacement.count, 'replacement character')} (U+FFFD, \`\ufffd\`) in \`${field}\`: the text was decoded with errors somewhere upstream and the original characters are lost`,
      excerpt: excerptAround(text, replacement.first)
    })
  }

  const surrogate = occurrences(text, LONE_SURROGATE)
  if (surrogate.count > 0) {
    counts.surrogate++
    emit({
      line,
      field,
      message: `${plural(surrogate.count, 'unpaired UTF-16 surrogate')} (${surrogate.codePoints.slice(0, 3).map(codePointName).join(', ')}) in \`${field}\`: half of a character, usually an emoji cut in the middle; it cannot be written as UTF-8`,
      excerpt: excerptAround(text, surrogate.first)
    })
  }

  // C1 controls inside mojibake are part of it and already reported.
  const control = occurrences(text, CONTROL, (index) => !(mojibake && text.charCodeAt(index) >= 0x80))
  if (control.count > 0) {
    counts.control++
    const shown = control.codePoints.slice(0, 3).map((codePoint) => {
      const meaning = c1Meaning(codePoint)
      return meaning ? `${codePointName(codePoint)} (probably \`${meaning}\` from Windows-1252 read as Latin-1)` : codePointName(codePoint)
    })
    const more = control.codePoints.length > 3 ? ` and ${control.codePoints.length - 3} more` : ''
    emit({
      line,
      field,
      message: `${plural(control.count, 'control character')} in \`${field}\`: ${shown.join(', ')}${more}`,
      excerpt: excerptAround(text, control.first)
    })
  }

  const invisible = occurrences(text, INVISIBLE, (index) => {
    const code = text.charCodeAt(index)
    return !((code === 0x200c || code === 0x200d) && isWantedJoiner(text, index))
  })
  if (invisible.count > 0) {
    counts.invisible++
    const names = invisible.codePoints.slice(0, 3).map((codePoint) => `${INVISIBLE_NAMES[codePoint]} ${codePointName(codePoint)}`)
    const more = invisible.codePoints.length > 3 ? ` and ${invisible.codePoints.length - 3} more` : ''
    const why = invisible.codePoints.some((codePoint) => BIDI.test(String.fromCodePoint(codePoint)))
      ? 'bidirectional controls make text display in a different order than it is stored'
      : 'invisible characters break matching, deduplication and tokenization'
    emit({
      line,
      field,
      message: `${plural(invisible.count, 'invisible formatting character')} in \`${field}\` (${names.join(', ')}${more}): ${why}`,
      excerpt: excerptAround(text, invisible.first)
    })
  }
}

/**
 * Mojibake, U+FFFD, control characters, and zero-width or bidirectional formatting characters
 * in the text fields. One finding per kind per field per record.
 */
export const encodingCheck: Check<EncodingSummary> = {
  id: 'encoding',
  dimension: 'accuracy',
  description: 'Mojibake (UTF-8 read as Latin-1, Windows-125x or MacRoman), U+FFFD replacement characters, control characters, zero-width and bidirectional formatting characters in text.',
  defaultSeverity: 'warning',
  defaults: {},
  start(context) {
    const counts: EncodingSummary = { mojibake: 0, replacement: 0, surrogate: 0, control: 0, invisible: 0 }
    const fields = context.config.fields ?? context.textFields
    return {
      record(record, emit) {
        // Field by field rather than through `textsOf`, which builds pairs for every record.
        for (const field of fields) {
          const text = textOf(valueAt(record.fields, field))
          if (text !== undefined) checkText(field, text, record.line, emit, counts)
        }
      },
      finish() {
        return counts
      },
      applicable: () => fields.length > 0
    }
  }
}
