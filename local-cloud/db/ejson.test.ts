// parseWire's common-case path must give exactly what the bson reference path gives, for anything on the wire.
import { EJSON } from 'bson'
import fc from 'fast-check'
import { fromStored, fromStoredByReviver, parseWire, parseWireWithBson, toStored, toStoredByCopy } from './ejson'

// ($oid is left to the hand-made shapes: bson makes a fresh ObjectId from a non-string, different every time.)
const key = fc.oneof(
  fc.constantFrom('a', 'b', '_id', 'stockLeft', '$inc', '$set', '$gte', '$in', '$numberInt', '$numberLong', '$numberDouble', '$date', '$regex', '$undefined', '$ref', '$id', '__proto__', 'x\u0000y', '$tcb_server_date'),
  fc.string({ maxLength: 4 }),
)
const number = fc.oneof(fc.integer(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.maxSafeInteger(), fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 53 + 2, -(2 ** 63)))
const scalar = fc.oneof(number, fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.date({ min: new Date(-1e14), max: new Date(1e14) }))
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
})).v
// Hand-written EJSON shapes, well-formed or not, that a serializer might never emit but the wire could carry.
const ejsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ $numberInt: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)) }),
  fc.record({ $numberLong: fc.oneof(fc.string({ maxLength: 20 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.constantFrom('-0', '007', '9007199254740993')) }),
  fc.record({ $numberDouble: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('-0', 'NaN', 'Infinity', '-Infinity', '1e400')) }),
  fc.record({ $date: fc.oneof(fc.record({ $numberLong: fc.integer().map(String) }), fc.string({ maxLength: 24 }), fc.integer(), fc.constant(null), fc.constant({})) }),
  fc.record({ $numberInt: fc.constant('1'), other: fc.integer() }),
  fc.record({ $oid: fc.constant('5f1f0e6d2c8b9a0012345678') }),
  fc.record({ $regularExpression: fc.record({ pattern: fc.constantFrom('^a', 'b+'), options: fc.constantFrom('', 'i') }) }),
  fc.record({ $ref: fc.constant('c'), $id: fc.integer() }),
  fc.record({ $undefined: fc.constant(true) }),
)

/** Every distinction that matters made visible: types, prototypes, -0, NaN, invalid dates, own keys. */
function canon(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 'number:-0' : Number.isNaN(v) ? 'number:NaN' : v
  // By internal slot, not instanceof: a "__proto__" key on the wire can give an object a Date as prototype.
  const tag = Object.prototype.toString.call(v)
  if (tag === '[object Date]') return { date: String((v as Date).getTime()) }
  if (tag === '[object RegExp]') return { regexp: String(v) }
  if (Array.isArray(v)) return v.map(canon)
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    return { proto: proto === Object.prototype ? 'Object' : proto === null ? 'null' : String(proto?.constructor?.name), own: Object.getOwnPropertyNames(v).map((k) => [k, canon((v as Record<string, unknown>)[k])]) }
  }
  return v
}

// bson answers some malformed $date shapes with `new Date()`: a frozen clock makes both paths' "now" the same.
beforeAll(() => jest.useFakeTimers({ now: 1_700_000_000_000 }))
afterAll(() => jest.useRealTimers())

function same(text: string) {
  let reference: unknown
  let referenceError: unknown = null
  try {
    reference = parseWireWithBson(text)
  } catch (e) {
    referenceError = e
  }
  if (referenceError) expect(() => parseWire(text)).toThrow()
  else expect(canon(parseWire(text))).toStrictEqual(canon(reference))
}

it('parses what the SDK serializes (canonical and relaxed EJSON) exactly as bson does', () => {
  fc.assert(
    fc.property(value, (v) => {
      for (const relaxed of [false, true]) {
        let text: string
        try {
          text = EJSON.stringify(v as never, { relaxed })
        } catch {
          return // not serializable (e.g. a NUL key): never on the wire
        }
        same(text)
      }
    }),
    { numRuns: 3000, seed: 15 },
  )
})

it('parses hand-made and malformed EJSON exactly as bson does (or fails as it does)', () => {
  fc.assert(
    fc.property(fc.oneof(ejsonish, fc.dictionary(key, fc.oneof(ejsonish, scalar), { maxKeys: 3 }), fc.array(ejsonish, { maxLength: 3 })), (v) => {
      same(JSON.stringify(v))
    }),
    { numRuns: 3000, seed: 15 },
  )
  for (const text of ['{"__proto__":{"a":1}}', '{"a\\u0000b":1}', '{"$date":{"$numberLong":"1796160738340"}}', '{"q":{"$in":[{"$numberInt":"1"},"x"]}}', '[{"$numberDouble":"-0"}]']) same(text)
})

const stored: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.constantFrom(undefined, NaN, Infinity, -0, '"__proto__"', 'a\u0000b', 'é'),
    fc.record({ $date: fc.oneof(fc.integer(), fc.string({ maxLength: 3 })) }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 3 }),
  ),
})).v

it('stores and reads documents exactly as the copying and reviving reference paths do', () => {
  fc.assert(
    fc.property(fc.dictionary(key, stored, { maxKeys: 5 }), (doc) => {
      const text = toStoredByCopy(doc as never)
      expect(toStored(doc as never)).toBe(text)
      expect(canon(fromStored(text))).toStrictEqual(canon(fromStoredByReviver(text)))
    }),
    { numRuns: 3000, seed: 15 },
  )
  const holes = [1, , 3] // eslint-disable-line no-sparse-arrays
  for (const doc of [{ a: new Date(5), b: [new Date(-1), { $date: 3 }] }, { ['__proto__']: { x: 1 } }, { a: holes, b: undefined }, { a: { toJSON: () => 'x' } }]) {
    const text = toStoredByCopy(doc as never)
    expect(toStored(doc as never)).toBe(text)
    expect(canon(fromStored(text))).toStrictEqual(canon(fromStoredByReviver(text)))
  }
})
