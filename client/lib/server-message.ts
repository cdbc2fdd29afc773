/**
 * The server writes messages for people in both languages, "中文 / English". This picks the part
 * in the reader's language; a message in one language only comes back whole.
 */
const CJK = /[\u3400-\u9fff\uff00-\uffef]/

export function localMessage(message: string, lang: string): string {
  const at = message.indexOf(' / ')
  if (at <= 0) return message
  const zh = message.slice(0, at).trim()
  const en = message.slice(at + 3).trim()
  // Only a Chinese part followed by a non-Chinese part is the bilingual form (a path such as
  // "a / b" is not).
  if (!CJK.test(zh) || CJK.test(en) || en === '') return message
  return lang.startsWith('zh') ? zh : en
}
