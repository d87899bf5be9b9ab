package ios

import (
	"bytes"
	"unicode/utf8"

	prompt "github.com/c-bata/go-prompt"
)

// keyReader hands the line editor one key per read. go-prompt takes each read as one key: a pasted
// block ("en\rconf t\r...") would otherwise be inserted as text with its carriage returns, and a `?`
// typed together with other characters would not open help. Pasting a configuration into the console
// is what students do, so the console must take it line by line, as IOS does.
type keyReader struct {
	prompt.ConsoleParser
	pending []byte
	// afterEnter holds further keys back once a line is complete, until the editor reads the next
	// line: keys it read between the two would be dropped with its old buffer.
	afterEnter bool
}

func newKeyReader() *keyReader { return &keyReader{ConsoleParser: prompt.NewStandardInputParser()} }

// Setup is called by the editor at the start of every line.
func (k *keyReader) Setup() error {
	k.afterEnter = false
	return k.ConsoleParser.Setup()
}

// noKey is what go-prompt's reader skips.
var noKey = []byte{0}

func (k *keyReader) Read() ([]byte, error) {
	if k.afterEnter {
		return noKey, nil
	}
	if len(k.pending) == 0 {
		b, err := k.ConsoleParser.Read()
		if err != nil || len(b) == 0 {
			return noKey, err
		}
		k.pending = append(k.pending[:0], b...)
	}
	n := keyLength(k.pending)
	key := append([]byte(nil), k.pending[:n]...)
	k.pending = k.pending[n:]
	if key[0] == '\r' || key[0] == '\n' {
		k.afterEnter = true
	}
	return key, nil
}

// GetWinSize reports 80x24 when the terminal does not know its size (a fresh pty), as IOS assumes;
// with 0 columns the editor would draw nothing.
func (k *keyReader) GetWinSize() *prompt.WinSize {
	ws := k.ConsoleParser.GetWinSize()
	if ws.Col == 0 {
		ws.Col = 80
	}
	if ws.Row == 0 {
		ws.Row = 24
	}
	return ws
}

// keyLength is the length of the first key in b: the longest escape sequence go-prompt knows, or one
// UTF-8 character.
func keyLength(b []byte) int {
	if b[0] == 0x1b {
		best := 1
		for _, s := range prompt.ASCIISequences {
			if len(s.ASCIICode) > best && bytes.HasPrefix(b, s.ASCIICode) {
				best = len(s.ASCIICode)
			}
		}
		return best
	}
	_, n := utf8.DecodeRune(b)
	return n
}
