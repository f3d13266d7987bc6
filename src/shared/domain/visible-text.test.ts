import { isVisibleText } from './visible-text'

describe('isVisibleText', () => {
  it('accepts names and doors people write, emoji sequences with joiners included', () => {
    for (const s of ['王阿姨', 'Li Lei', '3-201', '1栋', '👨‍👩‍👧', '小王 🍑']) expect([s, isVisibleText(s)]).toEqual([s, true])
  })
  it('refuses text that reads as blank or is reordered: zero-width, controls, bidi overrides, fillers', () => {
    for (const s of ['\u200b\u200b\u200b', '\u0000\u0007', '\u202e\u2066', '\u200d', '\u00ad\u2060', ' ', '\u3164', '王\u202e阿姨', 'a\u0000']) {
      expect([JSON.stringify(s), isVisibleText(s)]).toEqual([JSON.stringify(s), false])
    }
  })
})
