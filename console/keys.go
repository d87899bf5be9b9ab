package console

import "slices"

// Control keys the line editor understands (IOS uses the Emacs set).
const (
	keyCtrlA     = 0x01
	keyCtrlB     = 0x02
	keyCtrlC     = 0x03
	keyCtrlD     = 0x04
	keyCtrlE     = 0x05
	keyCtrlF     = 0x06
	keyBackspace = 0x08
	keyTab       = 0x09
	keyLF        = 0x0a
	keyCtrlK     = 0x0b
	keyCtrlL     = 0x0c
	keyCR        = 0x0d
	keyCtrlN     = 0x0e
	keyCtrlP     = 0x10
	keyCtrlU     = 0x15
	keyCtrlW     = 0x17
	keyCtrlZ     = 0x1a
	keyEsc       = 0x1b
	keyDelete    = 0x7f
)

// lineEdits are the keys that only change the line being typed or move the cursor in it.
var lineEdits = map[byte]func(t *screen){
	keyCtrlA:     toStart,
	keyCtrlE:     toEnd,
	keyCtrlB:     left,
	keyCtrlF:     right,
	keyBackspace: deleteBack,
	keyDelete:    deleteBack,
	keyCtrlK:     killToEnd,
	keyCtrlU:     killToStart,
	keyCtrlW:     deleteWord,
	keyCtrlL:     func(*screen) {}, // only the redraw
}

// escapeEdits are the line edits of ANSI escape sequences (after ESC [ or ESC O): arrows, Home, End,
// Delete. The up and down arrows walk the history instead (editor.escape).
var escapeEdits = map[string]func(t *screen){
	"C":  right,
	"D":  left,
	"H":  toStart,
	"1~": toStart,
	"F":  toEnd,
	"4~": toEnd,
	"3~": deleteUnder,
}

func toStart(t *screen) { t.pos = 0 }
func toEnd(t *screen)   { t.pos = len(t.line) }
func left(t *screen)    { t.pos = max(t.pos-1, 0) }
func right(t *screen)   { t.pos = min(t.pos+1, len(t.line)) }

func insert(t *screen, k byte) {
	t.line = slices.Insert(t.line, t.pos, k)
	t.pos++
}

func deleteUnder(t *screen) {
	if t.pos < len(t.line) {
		t.line = slices.Delete(t.line, t.pos, t.pos+1)
	}
}

func deleteBack(t *screen) {
	if t.pos > 0 {
		t.pos--
		deleteUnder(t)
	}
}

func killToEnd(t *screen) { t.line = t.line[:t.pos] }

func killToStart(t *screen) {
	t.line = slices.Delete(t.line, 0, t.pos)
	t.pos = 0
}

// deleteWord deletes the word before the cursor and the blanks after it, as Ctrl-W does.
func deleteWord(t *screen) {
	i := t.pos
	for i > 0 && t.line[i-1] == ' ' {
		i--
	}
	for i > 0 && t.line[i-1] != ' ' {
		i--
	}
	t.line = slices.Delete(t.line, i, t.pos)
	t.pos = i
}

// isPrintable reports whether k is a character that goes into the line.
func isPrintable(k byte) bool { return k >= 0x20 && k < 0x7f }
