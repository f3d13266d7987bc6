/**
 * Text a person types that staff read back (a 收货人 name, a note, 楼栋, 门牌): no control characters and no bidi
 * overrides (which reorder what is shown), and at least one visible character — a name of zero-width spaces, NUL or
 * BEL reads as blank at the counter (an audit: test/node/attacks-messages-admin.test.ts). Zero-width joiners inside
 * an emoji sequence stay allowed.
 */
function isControl(cp: number): boolean {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
}

/** Shown as nothing: white space, soft hyphen, zero-width and other invisible formatting characters, fillers. */
function isInvisible(cp: number): boolean {
  return (
    /\s/u.test(String.fromCodePoint(cp)) ||
    [0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x3164, 0xfeff, 0xffa0].includes(cp) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x206a && cp <= 0x206f)
  )
}

export function isVisibleText(s: string): boolean {
  const cps = [...s].map((c) => c.codePointAt(0) ?? 0)
  return !cps.some(isControl) && cps.some((cp) => !isInvisible(cp))
}

export const VISIBLE_TEXT_MESSAGE = '不能只有空白或不可见字符，也不能含控制字符'
