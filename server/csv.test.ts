import { csvCell, csvDocument, csvNumber } from './csv'

describe('the one CSV cell writer (OWASP CSV injection)', () => {
  it('neutralises every formula start in text: = + - @ tab CR', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","点我")')).toBe(`"'=HYPERLINK(""http://evil.example"",""点我"")"`)
    expect(csvCell('+1+1')).toBe(`"'+1+1"`)
    expect(csvCell('-2+3')).toBe(`"'-2+3"`)
    expect(csvCell('@SUM(A1:A2)')).toBe(`"'@SUM(A1:A2)"`)
    expect(csvCell('\t=1+1')).toBe(`"'\t=1+1"`)
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`)
  })

  it('leaves plain text alone and quotes what would break a row', () => {
    expect(csvCell('东北大米')).toBe('东北大米')
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('草莓, "大果"')).toBe('"草莓, ""大果"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(null)).toBe('')
  })

  it('keeps amounts numbers: numbers and formatted decimals are never prefixed', () => {
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(7)).toBe('7')
    expect(csvCell(csvNumber('-0.05'))).toBe('-0.05')
    expect(csvCell(csvNumber('12.30'))).toBe('12.30')
    // Not a number after all: written as text, neutralised.
    expect(csvCell(csvNumber('-1+2'))).toBe(`"'-1+2"`)
    expect(csvCell(Number.NaN)).toBe('')
  })

  it('writes a BOM and CRLF rows', () => {
    expect(csvDocument([['a', 1], ['=b', csvNumber('-1.00')]])).toBe("\uFEFFa,1\r\n\"'=b\",-1.00\r\n")
  })
})
