package runtime

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting the envelope scanner follows, as
// encoding/json does.
const maxJSONDepth = 10000

// scanEnvelope checks in one pass that b is a single UTF-8 JSON object and
// returns the raw values of its top-level "ok" and "error" members (nil when
// absent). Every call's output goes through it, so it is hand-written for
// speed: about 4x faster than encoding/json's Decoder, and checked against
// it by FuzzScanEnvelope.
func scanEnvelope(b []byte) (okVal, errVal []byte, err error) {
	if !utf8.Valid(b) {
		return nil, nil, errors.New("output is not valid UTF-8")
	}
	s := scanner{b: b}
	s.ws()
	if s.i >= len(b) || b[s.i] != '{' {
		return nil, nil, s.fail("want a JSON object")
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			key, escaped, err := s.str()
			if err != nil {
				return nil, nil, err
			}
			if escaped {
				var k string
				if json.Unmarshal(key, &k) == nil {
					key = []byte(`"` + k + `"`)
				}
			}
			s.ws()
			if s.peek() != ':' {
				return nil, nil, s.fail("want ':'")
			}
			s.i++
			s.ws()
			start := s.i
			if err := s.value(1); err != nil {
				return nil, nil, err
			}
			switch string(key) {
			case `"ok"`:
				if okVal != nil {
					return nil, nil, errors.New(`output has "ok" twice`)
				}
				okVal = b[start:s.i]
			case `"error"`:
				if errVal != nil {
					return nil, nil, errors.New(`output has "error" twice`)
				}
				errVal = b[start:s.i]
			}
			s.ws()
			c := s.peek()
			s.i++
			if c == '}' {
				break
			}
			if c != ',' {
				s.i--
				return nil, nil, s.fail("want ',' or '}'")
			}
			s.ws()
		}
	}
	s.ws()
	if s.i != len(b) {
		return nil, nil, s.fail("data after the envelope")
	}
	return okVal, errVal, nil
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) fail(what string) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", s.i, what)
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) error {
	if depth > maxJSONDepth {
		return s.fail("nested too deep")
	}
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return s.fail("want a value")
}

func (s *scanner) object(depth int) error {
	s.i++ // {
	s.ws()
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		if _, _, err := s.str(); err != nil {
			return err
		}
		s.ws()
		if s.peek() != ':' {
			return s.fail("want ':'")
		}
		s.i++
		s.ws()
		if err := s.value(depth + 1); err != nil {
			return err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return nil
		default:
			return s.fail("want ',' or '}'")
		}
	}
}

func (s *scanner) array(depth int) error {
	s.i++ // [
	s.ws()
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := s.value(depth + 1); err != nil {
			return err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			return nil
		default:
			return s.fail("want ',' or ']'")
		}
	}
}

// str scans a string starting at its opening quote and returns it with its
// quotes, and whether it contains escapes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	if s.peek() != '"' {
		return nil, false, s.fail("want a string")
	}
	start := s.i
	s.i++
	for s.i < len(s.b) {
		// Skip plain bytes eight at a time, then one at a time; only
		// quotes, backslashes and control characters need a decision.
		for s.i+8 <= len(s.b) && !hasSpecial(binary.LittleEndian.Uint64(s.b[s.i:])) {
			s.i += 8
		}
		for s.i < len(s.b) && !strSpecial[s.b[s.i]] {
			s.i++
		}
		if s.i >= len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start:s.i], escaped, nil
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.b) {
				return nil, false, s.fail("unterminated escape")
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) || !isHex(s.b[s.i+2]) || !isHex(s.b[s.i+3]) || !isHex(s.b[s.i+4]) || !isHex(s.b[s.i+5]) {
					return nil, false, s.fail(`bad \u escape`)
				}
				s.i += 6
			default:
				return nil, false, s.fail("bad escape")
			}
		default:
			return nil, false, s.fail("control character in string")
		}
	}
	return nil, false, s.fail("unterminated string")
}

// hasSpecial reports whether any byte of the little-endian word w may be a
// quote, a backslash or a control character. It may say yes for a word
// with none (the byte loop then decides), never no for one that has one.
func hasSpecial(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(x uint64) uint64 { return (x - ones) & ^x & highs }
	less := (w - 0x20*ones) & ^w & highs // a byte below 0x20
	return less|zero(w^('"'*ones))|zero(w^('\\'*ones)) != 0
}

// strSpecial marks the bytes that end a run of plain string content.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) lit(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail("want " + word)
	}
	s.i += len(word)
	return nil
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return s.fail("bad number")
	}
	if s.peek() == '.' {
		s.i++
		if !s.digits() {
			return s.fail("bad fraction")
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return s.fail("bad exponent")
		}
	}
	return nil
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
