package ios

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable renders text for a terminal: control characters in caret
// notation ("^[" for ESC, "^@" for NUL, "^?" for DEL), bytes that are not
// UTF-8 and invisible or formatting characters (C1 controls, bidi
// overrides) as \xNN per byte. Printable text and tabs are kept. Every place
// that echoes an input line in an error goes through it, so a hostile line
// cannot move the cursor, recolour or clear the screen.
func Printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		c := s[i]
		switch {
		case c == '\t':
			b.WriteByte(c)
		case c < 0x20:
			b.WriteByte('^')
			b.WriteByte(c + '@')
		case c == 0x7f:
			b.WriteString("^?")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
		case r == utf8.RuneError && size == 1, !unicode.IsPrint(r):
			for _, x := range []byte(s[i : i+size]) {
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[x>>4])
				b.WriteByte(hexDigits[x&15])
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"

// isPlain reports whether s is printable ASCII (and tabs): the common case,
// returned as is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// printableLines is Printable for a text of several lines: the line ends
// stay.
func printableLines(s string) string {
	if isPlain(strings.ReplaceAll(s, "\n", "")) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Printable(l)
	}
	return strings.Join(lines, "\n")
}

// printableWidth is how many columns Printable(s) takes on a terminal, so
// the caret of an error still points under its word.
func printableWidth(s string) int { return utf8.RuneCountInString(Printable(s)) }
