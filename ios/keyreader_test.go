package ios

import (
	"testing"

	prompt "github.com/c-bata/go-prompt"
)

// chunkParser returns its chunks one per read, as a terminal does for a paste.
type chunkParser struct {
	prompt.ConsoleParser
	chunks [][]byte
}

func (c *chunkParser) Setup() error                { return nil }
func (c *chunkParser) GetWinSize() *prompt.WinSize { return &prompt.WinSize{} }
func (c *chunkParser) Read() ([]byte, error) {
	if len(c.chunks) == 0 {
		return nil, nil
	}
	b := c.chunks[0]
	c.chunks = c.chunks[1:]
	return b, nil
}

func TestKeyReaderSplitsPastes(t *testing.T) {
	k := &keyReader{ConsoleParser: &chunkParser{chunks: [][]byte{[]byte("en\rsh ?\x1b[Aé")}}}
	var keys []string
	for i := 0; i < 20; i++ {
		b, _ := k.Read()
		if b[0] == 0 {
			if !k.afterEnter {
				break
			}
			_ = k.Setup() // the editor starts the next line
			continue
		}
		keys = append(keys, string(b))
	}
	want := []string{"e", "n", "\r", "s", "h", " ", "?", "\x1b[A", "é"}
	if len(keys) != len(want) {
		t.Fatalf("keys = %q, want %q", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("keys = %q, want %q", keys, want)
		}
	}
	if ws := k.GetWinSize(); ws.Col != 80 || ws.Row != 24 {
		t.Errorf("unknown terminal size = %dx%d, want 80x24", ws.Col, ws.Row)
	}
}
