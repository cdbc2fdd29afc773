/**
 * Font stacks for map labels. The style has no `glyphs` URL, so MapLibre (≥ 5.11) draws every
 * glyph locally with TinySDF, taking each `text-font` stack as a CSS font-family list: the system's
 * CJK fonts draw Chinese and nothing is downloaded. The first name of a stack also tells MapLibre
 * the weight ("… Bold" → 700), so the bold stack starts with a bold face name.
 * The same families are used by the UI in styles/app.css.
 */
const CJK_FAMILIES = [
  'Noto Sans CJK SC',
  'Source Han Sans SC',
  'PingFang SC',
  'Microsoft YaHei',
  'WenQuanYi Micro Hei',
  'Hiragino Sans GB',
  'Noto Sans SC',
]

export const FONT_REGULAR: string[] = [...CJK_FAMILIES, 'sans-serif']
export const FONT_BOLD: string[] = ['Noto Sans CJK SC Bold', ...CJK_FAMILIES, 'sans-serif']

/** For MapLibre's `localIdeographFontFamily` (used only for its default stack). */
export const IDEOGRAPH_FAMILY = CJK_FAMILIES.join(', ')
