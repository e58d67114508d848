// The SDK's JSON reader (a small DOM) and writer. Written for this SDK:
// json-as 1.6.0 traps on malformed input and echoes some invalid input as
// invalid JSON, which a guest facing hostile input cannot afford.
//
// Reader: strict RFC 8259 over UTF-8 bytes. At most MAX_DEPTH nested arrays
// and objects; strings must be valid UTF-8 without raw control characters;
// \uXXXX escapes are decoded, a surrogate pair to one code point, a lone
// surrogate to U+FFFD (as Go's encoding/json does). Numbers keep their
// exact text, so re-serialising never changes a number. With duplicate
// object keys the last one wins. Every accessor tolerates missing values:
// get() on anything but an object answers Value.MISSING, so lookups chain.
//
// Writer: places commas and colons itself and records misuse (a value
// without a key inside an object, unbalanced ends, too deep, NaN) in an
// error instead of producing bad JSON. Strings are escaped as JSON requires;
// other characters pass through as UTF-8; lone surrogates become U+FFFD.

/** How deep arrays and objects may nest, in reader and writer. */
export const MAX_DEPTH: i32 = 128;

/** The kind of a JSON value; Missing stands for "not there". */
export enum Kind {
  Missing = 0,
  Null,
  False,
  True,
  Number,
  String,
  Array,
  Object,
}

/** One parsed JSON value. */
export class Value {
  /** What this value is. */
  kind: Kind;
  /** The string of a String, the exact text of a Number, "" otherwise. */
  text: string;
  /** The elements of an Array or the member values of an Object. */
  items: Array<Value> | null = null;
  /** The member names of an Object, parallel to items. */
  keys: Array<string> | null = null;

  constructor(kind: Kind, text: string = "") {
    this.kind = kind;
    this.text = text;
  }

  /** The value that stands for a missing member or element. */
  static get MISSING(): Value {
    return MISSING_VALUE;
  }

  /** Whether this is the missing sentinel. */
  get isMissing(): bool {
    return this.kind == Kind.Missing;
  }
  /** Whether this is JSON null. */
  get isNull(): bool {
    return this.kind == Kind.Null;
  }
  /** Whether this is true or false. */
  get isBool(): bool {
    return this.kind == Kind.True || this.kind == Kind.False;
  }
  /** Whether this is a number. */
  get isNumber(): bool {
    return this.kind == Kind.Number;
  }
  /** Whether this is a string. */
  get isString(): bool {
    return this.kind == Kind.String;
  }
  /** Whether this is an array. */
  get isArray(): bool {
    return this.kind == Kind.Array;
  }
  /** Whether this is an object. */
  get isObject(): bool {
    return this.kind == Kind.Object;
  }

  /** The number of elements or members; 0 for anything else. */
  get length(): i32 {
    const items = this.items;
    return items ? items.length : 0;
  }

  /** The member key of an object (the last one if repeated), or MISSING. */
  get(key: string): Value {
    const keys = this.keys;
    if (this.kind != Kind.Object || !keys) return MISSING_VALUE;
    for (let i = keys.length - 1; i >= 0; i--) {
      if (unchecked(keys[i]) == key) return unchecked(this.items![i]);
    }
    return MISSING_VALUE;
  }

  /** Whether an object has member key. */
  has(key: string): bool {
    return !this.get(key).isMissing;
  }

  /** Element (or member value) i, or MISSING. */
  at(i: i32): Value {
    const items = this.items;
    if (!items || i < 0 || i >= items.length) return MISSING_VALUE;
    return unchecked(items[i]);
  }

  /** The name of member i of an object, or "". */
  keyAt(i: i32): string {
    const keys = this.keys;
    if (!keys || i < 0 || i >= keys.length) return "";
    return unchecked(keys[i]);
  }

  /** The string, or def when this is not a string. */
  asString(def: string = ""): string {
    return this.kind == Kind.String ? this.text : def;
  }

  /** The boolean, or def when this is not true or false. */
  asBool(def: bool = false): bool {
    if (this.kind == Kind.True) return true;
    if (this.kind == Kind.False) return false;
    return def;
  }

  /**
   * Whether this number is a whole number in i64 range (an integer literal,
   * or e.g. 1.5e1 or 100e-2, decided on the exact text without floats).
   */
  get isInteger(): bool {
    return this.kind == Kind.Number && parseExactInt(this.text);
  }

  /** The number as an i64 when isInteger, else def. */
  asInt(def: i64 = 0): i64 {
    if (this.kind != Kind.Number || !parseExactInt(this.text)) return def;
    return exactIntResult;
  }

  /** The number as the nearest f64, or def when this is not a number. */
  asFloat(def: f64 = 0): f64 {
    return this.kind == Kind.Number ? parseFloat(this.text) : def;
  }

  /** This value serialised as JSON text. */
  toJSON(): string {
    const w = new Writer();
    w.value(this);
    return w.toString();
  }
}

const MISSING_VALUE = new Value(Kind.Missing);

// ------------------------------------------------------------------ reader

/** The outcome of parse: value, or error and the byte offset it was found at. */
export class ParseResult {
  value: Value | null = null;
  error: string = "";
  offset: i32 = 0;

  /** Whether parsing succeeded. */
  get ok(): bool {
    return this.value !== null;
  }
}

/** Parses the UTF-8 JSON text in memory [ptr, ptr+len). */
export function parseBytes(ptr: usize, len: i32): ParseResult {
  const p = new Parser(ptr, len);
  const r = new ParseResult();
  const v = p.value(0);
  if (v && p.error == "") {
    p.ws();
    if (p.pos != len) p.fail(p.pos, "data after the value");
  }
  if (p.error != "") {
    r.error = p.error;
    r.offset = p.errorAt;
    return r;
  }
  r.value = v;
  return r;
}

/** Reports whether memory [ptr, ptr+len) is valid UTF-8 (RFC 3629). */
export function validUTF8(ptr: usize, len: i32): bool {
  const p = new Parser(ptr, len);
  let i = 0;
  while (i < len) {
    const c = p.byte(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    const cp = p.utf8(i, len);
    if (cp < 0) return false;
    i += cp >= 0x10000 ? 4 : cp >= 0x800 ? 3 : 2;
  }
  return true;
}

/** Decodes memory [ptr, ptr+len) as UTF-8, each invalid byte becoming U+FFFD. */
export function decodeUTF8Lossy(ptr: usize, len: i32): string {
  const p = new Parser(ptr, len);
  const scratch = heap.alloc((len > 0 ? <usize>len : 1) << 1);
  let units = 0;
  let i = 0;
  while (i < len) {
    const c = p.byte(i);
    let cp: i32 = <i32>c;
    let step = 1;
    if (c >= 0x80) {
      cp = p.utf8(i, len);
      if (cp < 0) cp = 0xfffd;
      else step = cp >= 0x10000 ? 4 : cp >= 0x800 ? 3 : 2;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      store<u16>(scratch + (<usize>units << 1), <u16>(0xd800 | (v >> 10)));
      store<u16>(scratch + (<usize>(units + 1) << 1), <u16>(0xdc00 | (v & 0x3ff)));
      units += 2;
    } else {
      store<u16>(scratch + (<usize>units << 1), <u16>cp);
      units++;
    }
    i += step;
  }
  const s = String.UTF16.decodeUnsafe(scratch, <usize>units << 1);
  heap.free(scratch);
  return s;
}

/** Parses JSON text held in a string (encoded to UTF-8 first). */
export function parse(text: string): ParseResult {
  const buf = String.UTF8.encode(text);
  return parseBytes(changetype<usize>(buf), buf.byteLength);
}

class Parser {
  pos: i32 = 0;
  error: string = "";
  errorAt: i32 = 0;

  constructor(public base: usize, public len: i32) {}

  fail(at: i32, msg: string): void {
    if (this.error == "") {
      this.error = msg;
      this.errorAt = at;
    }
  }

  @inline byte(i: i32): u32 {
    return <u32>load<u8>(this.base + <usize>i);
  }

  ws(): void {
    while (this.pos < this.len) {
      const c = this.byte(this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  value(depth: i32): Value | null {
    this.ws();
    if (this.pos >= this.len) { this.fail(this.pos, "unexpected end of input"); return null; }
    const c = this.byte(this.pos);
    if (c == 0x7b /* { */ || c == 0x5b /* [ */) return this.container(depth, c == 0x7b);
    if (c == 0x22 /* " */) {
      const s = this.string();
      return s === null ? null : new Value(Kind.String, s);
    }
    if (c == 0x74) return this.literal("true", Kind.True);
    if (c == 0x66) return this.literal("false", Kind.False);
    if (c == 0x6e) return this.literal("null", Kind.Null);
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    { this.fail(this.pos, "unexpected character"); return null; }
  }

  literal(word: string, kind: Kind): Value | null {
    const n = word.length;
    if (this.len - this.pos < n) { this.fail(this.pos, "invalid literal"); return null; }
    for (let i = 0; i < n; i++) {
      if (this.byte(this.pos + i) != <u32>word.charCodeAt(i)) { this.fail(this.pos, "invalid literal"); return null; }
    }
    this.pos += n;
    return new Value(kind);
  }

  digit(i: i32): bool {
    if (i >= this.len) return false;
    const c = this.byte(i);
    return c >= 0x30 && c <= 0x39;
  }

  number(): Value | null {
    const start = this.pos;
    if (this.byte(this.pos) == 0x2d) this.pos++;
    if (!this.digit(this.pos)) { this.fail(start, "invalid number"); return null; }
    if (this.byte(this.pos) == 0x30) {
      this.pos++;
    } else {
      while (this.digit(this.pos)) this.pos++;
    }
    if (this.pos < this.len && this.byte(this.pos) == 0x2e) {
      this.pos++;
      if (!this.digit(this.pos)) { this.fail(start, "invalid number"); return null; }
      while (this.digit(this.pos)) this.pos++;
    }
    if (this.pos < this.len && (this.byte(this.pos) | 0x20) == 0x65) {
      this.pos++;
      if (this.pos < this.len && (this.byte(this.pos) == 0x2b || this.byte(this.pos) == 0x2d)) this.pos++;
      if (!this.digit(this.pos)) { this.fail(start, "invalid number"); return null; }
      while (this.digit(this.pos)) this.pos++;
    }
    return new Value(Kind.Number, String.UTF8.decodeUnsafe(this.base + <usize>start, <usize>(this.pos - start)));
  }

  hex4(at: i32): i32 {
    if (this.len - at < 4) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.byte(at + i);
      let h: i32;
      if (c >= 0x30 && c <= 0x39) h = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) h = (c | 0x20) - 0x61 + 10;
      else return -1;
      v = (v << 4) | h;
    }
    return v;
  }

  // string decodes the string at the opening quote into UTF-16 in a scratch
  // buffer (never more code units than source bytes), then makes a String.
  string(): string | null {
    const open = this.pos;
    let end = open + 1;
    while (end < this.len) {
      const c = this.byte(end);
      if (c == 0x22) break;
      end += c == 0x5c ? 2 : 1;
    }
    if (end >= this.len) { this.fail(open, "unterminated string"); return null; }
    const scratch = heap.alloc(<usize>(end - open) << 1);
    let units = 0;
    let i = open + 1;
    while (i < end) {
      const c = this.byte(i);
      if (c < 0x20) {
        heap.free(scratch);
        { this.fail(i, "control character in string"); return null; }
      }
      if (c == 0x5c) {
        const e = this.byte(i + 1);
        let simple: u32 = 0;
        if (e == 0x22) simple = 0x22;
        else if (e == 0x5c) simple = 0x5c;
        else if (e == 0x2f) simple = 0x2f;
        else if (e == 0x62) simple = 0x08;
        else if (e == 0x66) simple = 0x0c;
        else if (e == 0x6e) simple = 0x0a;
        else if (e == 0x72) simple = 0x0d;
        else if (e == 0x74) simple = 0x09;
        else if (e != 0x75) {
          heap.free(scratch);
          { this.fail(i, "invalid escape in string"); return null; }
        }
        if (simple) {
          store<u16>(scratch + (<usize>units << 1), <u16>simple);
          units++;
          i += 2;
          continue;
        }
        let cp = this.hex4(i + 2);
        if (cp < 0) {
          heap.free(scratch);
          { this.fail(i, "invalid \\u escape"); return null; }
        }
        i += 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          let lo = -1;
          if (this.len - i >= 6 && this.byte(i) == 0x5c && this.byte(i + 1) == 0x75) lo = this.hex4(i + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            store<u16>(scratch + (<usize>units << 1), <u16>cp);
            store<u16>(scratch + (<usize>(units + 1) << 1), <u16>lo);
            units += 2;
            i += 6;
            continue;
          }
          cp = 0xfffd; // lone high surrogate
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
          cp = 0xfffd; // lone low surrogate
        }
        store<u16>(scratch + (<usize>units << 1), <u16>cp);
        units++;
        continue;
      }
      if (c < 0x80) {
        store<u16>(scratch + (<usize>units << 1), <u16>c);
        units++;
        i++;
        continue;
      }
      const cp = this.utf8(i, end);
      if (cp < 0) {
        heap.free(scratch);
        { this.fail(i, "invalid UTF-8 in string"); return null; }
      }
      if (cp >= 0x10000) {
        const v = cp - 0x10000;
        store<u16>(scratch + (<usize>units << 1), <u16>(0xd800 | (v >> 10)));
        store<u16>(scratch + (<usize>(units + 1) << 1), <u16>(0xdc00 | (v & 0x3ff)));
        units += 2;
        i += 4;
      } else {
        store<u16>(scratch + (<usize>units << 1), <u16>cp);
        units++;
        i += cp >= 0x800 ? 3 : 2;
      }
    }
    const s = String.UTF16.decodeUnsafe(scratch, <usize>units << 1);
    heap.free(scratch);
    this.pos = end + 1;
    return s;
  }

  // utf8 decodes the valid UTF-8 sequence at i (before end), or returns -1.
  utf8(i: i32, end: i32): i32 {
    const c = this.byte(i);
    const n = end - i;
    if (c >= 0xc2 && c <= 0xdf) {
      if (n < 2 || (this.byte(i + 1) & 0xc0) != 0x80) return -1;
      return ((c & 0x1f) << 6) | (this.byte(i + 1) & 0x3f);
    }
    if (c >= 0xe0 && c <= 0xef) {
      if (n < 3) return -1;
      const b1 = this.byte(i + 1), b2 = this.byte(i + 2);
      if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return -1;
      if (c == 0xe0 && b1 < 0xa0) return -1; // overlong
      if (c == 0xed && b1 >= 0xa0) return -1; // surrogate
      return ((c & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    }
    if (c >= 0xf0 && c <= 0xf4) {
      if (n < 4) return -1;
      const b1 = this.byte(i + 1), b2 = this.byte(i + 2), b3 = this.byte(i + 3);
      if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return -1;
      if (c == 0xf0 && b1 < 0x90) return -1; // overlong
      if (c == 0xf4 && b1 >= 0x90) return -1; // above U+10FFFF
      return ((c & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
    }
    return -1;
  }

  container(depth: i32, object: bool): Value | null {
    const open = this.pos;
    if (depth >= MAX_DEPTH) { this.fail(open, "nested too deeply"); return null; }
    const v = new Value(object ? Kind.Object : Kind.Array);
    const items = new Array<Value>();
    v.items = items;
    let keys: Array<string> | null = null;
    if (object) {
      keys = new Array<string>();
      v.keys = keys;
    }
    const close: u32 = object ? 0x7d : 0x5d;
    this.pos++;
    this.ws();
    if (this.pos < this.len && this.byte(this.pos) == close) {
      this.pos++;
      return v;
    }
    while (true) {
      if (object) {
        if (this.pos >= this.len || this.byte(this.pos) != 0x22) { this.fail(this.pos, "expected a member name"); return null; }
        const k = this.string();
        if (k === null) return null;
        this.ws();
        if (this.pos >= this.len || this.byte(this.pos) != 0x3a) { this.fail(this.pos, "expected ':'"); return null; }
        this.pos++;
        keys!.push(k);
      }
      const item = this.value(depth + 1);
      if (item === null) return null;
      items.push(item);
      this.ws();
      if (this.pos >= this.len) { this.fail(open, object ? "unterminated object" : "unterminated array"); return null; }
      const c = this.byte(this.pos);
      if (c == 0x2c) {
        this.pos++;
        this.ws();
        continue;
      }
      if (c == close) {
        this.pos++;
        return v;
      }
      { this.fail(this.pos, object ? "expected ',' or '}'" : "expected ',' or ']'"); return null; }
    }
    return null;
  }
}

// exactIntResult carries parseExactInt's value (no tuples in AssemblyScript).
let exactIntResult: i64 = 0;

// parseExactInt reads a JSON number's text as D * 10^exp over its digits D,
// so whole numbers written with a fraction or exponent read exactly.
function parseExactInt(s: string): bool {
  const n = s.length;
  let i = 0;
  const neg = n > 0 && s.charCodeAt(0) == 0x2d;
  if (neg) i++;
  const first0 = i;
  let mantEnd = i;
  let dot = -1;
  while (mantEnd < n) {
    const c = s.charCodeAt(mantEnd);
    if (c == 0x2e) dot = mantEnd;
    else if (c < 0x30 || c > 0x39) break;
    mantEnd++;
  }
  let exp: i64 = 0;
  if (mantEnd < n) {
    let e = mantEnd + 1;
    const eneg = s.charCodeAt(e) == 0x2d;
    if (s.charCodeAt(e) == 0x2b || eneg) e++;
    for (; e < n; e++) {
      if (exp < 100000) exp = exp * 10 + <i64>(s.charCodeAt(e) - 0x30);
    }
    if (eneg) exp = -exp;
  }
  if (dot >= 0) exp -= <i64>(mantEnd - dot - 1);
  let first = first0;
  let last = mantEnd;
  while (first < last && (s.charCodeAt(first) == 0x30 || s.charCodeAt(first) == 0x2e)) first++;
  while (last > first && (s.charCodeAt(last - 1) == 0x30 || s.charCodeAt(last - 1) == 0x2e)) {
    if (s.charCodeAt(last - 1) == 0x30) exp++;
    last--;
  }
  if (first == last) {
    exactIntResult = 0;
    return true;
  }
  if (exp < 0) return false;
  const limit: u64 = neg ? <u64>i64.MAX_VALUE + 1 : <u64>i64.MAX_VALUE;
  let acc: u64 = 0;
  for (let k = first; k < last; k++) {
    const c = s.charCodeAt(k);
    if (c == 0x2e) continue;
    const d = <u64>(c - 0x30);
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  for (let k: i64 = 0; k < exp; k++) {
    if (acc > limit / 10) return false;
    acc *= 10;
  }
  exactIntResult = neg ? <i64>(0 - acc) : <i64>acc;
  return true;
}

// ------------------------------------------------------------------ writer

const ST_OBJECT: u8 = 1;
const ST_ITEMS: u8 = 2;
const ST_KEY: u8 = 4;

/** Writes JSON as UTF-8 into a growing buffer. */
export class Writer {
  /** The output bytes; only [0, length) is written. */
  buf: ArrayBuffer;
  /** Bytes written. */
  length: i32 = 0;
  private depth: i32 = 0;
  private top: i32 = 0;
  private failure: string = "";
  private state: StaticArray<u8> = new StaticArray<u8>(MAX_DEPTH);
  /** Where the JSON starts (after a prefix the SDK wrote). */
  base: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.buf = new ArrayBuffer(capacity > 16 ? capacity : 16);
  }

  /** Whether exactly one complete value was written without error. */
  get ok(): bool {
    return this.failure == "" && this.depth == 0 && this.top == 1;
  }

  /** Why the writer failed, or "" when ok. */
  get error(): string {
    if (this.failure != "") return this.failure;
    if (this.depth != 0) return "unclosed array or object";
    if (this.top == 0) return "no value written";
    return "";
  }

  /** Whether a misuse was recorded. */
  get failed(): bool {
    return this.failure != "";
  }

  private fail(why: string): void {
    if (this.failure == "") this.failure = why;
  }

  /** The JSON written, decoded to a string. */
  toString(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.buf) + <usize>this.base, <usize>(this.length - this.base));
  }

  // reserve makes room for n more bytes and returns where they go.
  @inline private reserve(n: i32): usize {
    const need = this.length + n;
    if (need > this.buf.byteLength) this.grow(need);
    return changetype<usize>(this.buf) + <usize>this.length;
  }

  private grow(need: i32): void {
    let cap = this.buf.byteLength;
    while (cap < need) cap = cap < 0x20000000 ? cap << 1 : need;
    const next = new ArrayBuffer(cap);
    memory.copy(changetype<usize>(next), changetype<usize>(this.buf), <usize>this.length);
    this.buf = next;
  }

  @inline private byte(b: u32): void {
    const p = this.reserve(1);
    store<u8>(p, <u8>b);
    this.length++;
  }

  /** Appends ASCII text verbatim, bypassing all checks (SDK use). */
  appendRaw(s: string): void {
    const n = s.length;
    const p = this.reserve(n);
    for (let i = 0; i < n; i++) store<u8>(p + <usize>i, <u8>s.charCodeAt(i));
    this.length += n;
  }

  private beforeValue(): bool {
    if (this.failure != "") return false;
    if (this.depth == 0) {
      if (this.top != 0) {
        this.fail("more than one top-level value");
        return false;
      }
      this.top++;
      return true;
    }
    const st = unchecked(this.state[this.depth - 1]);
    if (st & ST_OBJECT) {
      if (!(st & ST_KEY)) {
        this.fail("object member without a key");
        return false;
      }
      unchecked((this.state[this.depth - 1] = st & ~ST_KEY));
      return true;
    }
    if (st & ST_ITEMS) this.byte(0x2c);
    unchecked((this.state[this.depth - 1] = st | ST_ITEMS));
    return true;
  }

  private begin(object: bool): void {
    if (!this.beforeValue()) return;
    if (this.depth >= MAX_DEPTH) {
      this.fail("nested too deeply");
      return;
    }
    this.byte(object ? 0x7b : 0x5b);
    unchecked((this.state[this.depth++] = object ? ST_OBJECT : 0));
  }

  private end(object: bool): void {
    if (this.failure != "") return;
    if (this.depth == 0 || ((unchecked(this.state[this.depth - 1]) & ST_OBJECT) != 0) != object) {
      this.fail("unbalanced end");
      return;
    }
    if (unchecked(this.state[this.depth - 1]) & ST_KEY) {
      this.fail("key without a value");
      return;
    }
    this.byte(object ? 0x7d : 0x5d);
    this.depth--;
  }

  /** Starts an object. */
  beginObject(): Writer {
    this.begin(true);
    return this;
  }
  /** Ends an object. */
  endObject(): Writer {
    this.end(true);
    return this;
  }
  /** Starts an array. */
  beginArray(): Writer {
    this.begin(false);
    return this;
  }
  /** Ends an array. */
  endArray(): Writer {
    this.end(false);
    return this;
  }

  /** Writes a member name; the next call must write its value. */
  key(k: string): Writer {
    if (this.failure != "") return this;
    const st: u8 = this.depth > 0 ? unchecked(this.state[this.depth - 1]) : 0;
    if (!(st & ST_OBJECT) || st & ST_KEY) {
      this.fail("key outside an object");
      return this;
    }
    if (st & ST_ITEMS) this.byte(0x2c);
    unchecked((this.state[this.depth - 1] = st | ST_ITEMS | ST_KEY));
    this.escaped(k);
    this.byte(0x3a);
    return this;
  }

  /** Writes a string (null writes null). */
  string(s: string | null): Writer {
    if (s === null) return this.null();
    if (this.beforeValue()) this.escaped(s);
    return this;
  }

  /** Writes an integer. */
  int(v: i64): Writer {
    if (this.beforeValue()) this.appendRaw(v.toString());
    return this;
  }

  /** Writes a float as the shortest text that reads back as v; NaN and infinities fail the writer. */
  float(v: f64): Writer {
    if (!isFinite(v)) {
      this.fail("NaN or infinite number");
      return this;
    }
    if (this.beforeValue()) this.appendRaw(v.toString());
    return this;
  }

  /** Writes true or false. */
  bool(v: bool): Writer {
    if (this.beforeValue()) this.appendRaw(v ? "true" : "false");
    return this;
  }

  /** Writes null. */
  null(): Writer {
    if (this.beforeValue()) this.appendRaw("null");
    return this;
  }

  /** Writes a parsed value (MISSING writes null). */
  value(v: Value): Writer {
    switch (v.kind) {
      case Kind.Missing:
      case Kind.Null:
        return this.null();
      case Kind.True:
        return this.bool(true);
      case Kind.False:
        return this.bool(false);
      case Kind.String:
        return this.string(v.text);
      case Kind.Number:
        if (this.beforeValue()) this.appendRaw(v.text);
        return this;
      case Kind.Array: {
        this.beginArray();
        const items = v.items!;
        for (let i = 0; i < items.length && this.failure == ""; i++) this.value(unchecked(items[i]));
        return this.endArray();
      }
      default: {
        this.beginObject();
        const items = v.items!;
        const keys = v.keys!;
        for (let i = 0; i < items.length && this.failure == ""; i++) {
          this.key(unchecked(keys[i]));
          this.value(unchecked(items[i]));
        }
        return this.endObject();
      }
    }
  }

  /** Writes JSON text, which must be one valid JSON value (else the writer fails). */
  raw(json: string): Writer {
    const r = parse(json);
    if (!r.ok) {
      this.fail("raw value is not valid JSON");
      return this;
    }
    return this.value(r.value!);
  }

  /** Writes the bytes [ptr, ptr+len) as a base64 string (standard alphabet, padded). */
  base64(ptr: usize, len: i32): Writer {
    if (!this.beforeValue()) return this;
    const out = this.reserve(((len + 2) / 3) * 4 + 2);
    let o = out;
    store<u8>(o++, 0x22);
    let i = 0;
    for (; i + 3 <= len; i += 3) {
      const v = (<u32>load<u8>(ptr + <usize>i) << 16) | (<u32>load<u8>(ptr + <usize>i + 1) << 8) | load<u8>(ptr + <usize>i + 2);
      store<u8>(o++, b64char(v >> 18));
      store<u8>(o++, b64char((v >> 12) & 63));
      store<u8>(o++, b64char((v >> 6) & 63));
      store<u8>(o++, b64char(v & 63));
    }
    if (len - i == 1) {
      const v = <u32>load<u8>(ptr + <usize>i) << 16;
      store<u8>(o++, b64char(v >> 18));
      store<u8>(o++, b64char((v >> 12) & 63));
      store<u8>(o++, 0x3d);
      store<u8>(o++, 0x3d);
    } else if (len - i == 2) {
      const v = (<u32>load<u8>(ptr + <usize>i) << 16) | (<u32>load<u8>(ptr + <usize>i + 1) << 8);
      store<u8>(o++, b64char(v >> 18));
      store<u8>(o++, b64char((v >> 12) & 63));
      store<u8>(o++, b64char((v >> 6) & 63));
      store<u8>(o++, 0x3d);
    }
    store<u8>(o++, 0x22);
    this.length += <i32>(o - out);
    return this;
  }

  /** Writes key and a string value. */
  keyString(k: string, v: string | null): Writer {
    return this.key(k).string(v);
  }
  /** Writes key and an integer value. */
  keyInt(k: string, v: i64): Writer {
    return this.key(k).int(v);
  }
  /** Writes key and a float value. */
  keyFloat(k: string, v: f64): Writer {
    return this.key(k).float(v);
  }
  /** Writes key and a boolean value. */
  keyBool(k: string, v: bool): Writer {
    return this.key(k).bool(v);
  }
  /** Writes key and a parsed value. */
  keyValue(k: string, v: Value): Writer {
    return this.key(k).value(v);
  }

  // escaped writes s as a quoted JSON string in UTF-8.
  private escaped(s: string): void {
    const n = s.length;
    let p = this.reserve(n * 3 + 2);
    store<u8>(p++, 0x22);
    const src = changetype<usize>(s);
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u16>(src + (<usize>i << 1));
      if (c < 0x80) {
        if (c >= 0x20 && c != 0x22 && c != 0x5c) {
          store<u8>(p++, <u8>c);
          continue;
        }
        let e: u32 = 0;
        if (c == 0x22) e = 0x22;
        else if (c == 0x5c) e = 0x5c;
        else if (c == 0x0a) e = 0x6e;
        else if (c == 0x0d) e = 0x72;
        else if (c == 0x09) e = 0x74;
        else if (c == 0x08) e = 0x62;
        else if (c == 0x0c) e = 0x66;
        if (e) {
          // Two bytes in the space of one unit's three: fits.
          store<u8>(p++, 0x5c);
          store<u8>(p++, <u8>e);
        } else {
          // \u00XX needs six bytes: make room beyond the three reserved.
          this.length = <i32>(p - changetype<usize>(this.buf));
          p = this.reserve(6 + (n - i) * 3 + 1);
          store<u8>(p++, 0x5c);
          store<u8>(p++, 0x75);
          store<u8>(p++, 0x30);
          store<u8>(p++, 0x30);
          store<u8>(p++, hexchar(c >> 4));
          store<u8>(p++, hexchar(c & 15));
        }
        continue;
      }
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const lo = <u32>load<u16>(src + (<usize>(i + 1) << 1));
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate
      if (cp < 0x800) {
        store<u8>(p++, <u8>(0xc0 | (cp >> 6)));
        store<u8>(p++, <u8>(0x80 | (cp & 0x3f)));
      } else if (cp < 0x10000) {
        store<u8>(p++, <u8>(0xe0 | (cp >> 12)));
        store<u8>(p++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
        store<u8>(p++, <u8>(0x80 | (cp & 0x3f)));
      } else {
        // Four bytes for two units' six reserved: fits.
        store<u8>(p++, <u8>(0xf0 | (cp >> 18)));
        store<u8>(p++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
        store<u8>(p++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
        store<u8>(p++, <u8>(0x80 | (cp & 0x3f)));
      }
    }
    store<u8>(p++, 0x22);
    this.length = <i32>(p - changetype<usize>(this.buf));
  }
}

@inline function hexchar(v: u32): u8 {
  return <u8>(v < 10 ? 0x30 + v : 0x57 + v);
}

@inline function b64char(v: u32): u8 {
  if (v < 26) return <u8>(0x41 + v);
  if (v < 52) return <u8>(0x61 + v - 26);
  if (v < 62) return <u8>(0x30 + v - 52);
  return v == 62 ? 0x2b : 0x2f;
}

function b64val(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2b || c == 0x2d) return 62;
  if (c == 0x2f || c == 0x5f) return 63;
  return -1;
}

/** Decodes standard or URL-safe base64 (padding optional); null on bad input. */
export function base64Decode(s: string): Uint8Array | null {
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) == 0x3d) n--;
  if (n % 4 == 1) return null;
  const out = new Uint8Array((n / 4) * 3 + ((n % 4) * 3) / 4);
  let o = 0;
  let acc: u32 = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const v = b64val(s.charCodeAt(i));
    if (v < 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = <u8>((acc >> bits) & 0xff);
    }
  }
  return out;
}
