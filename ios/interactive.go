package ios

import (
	"os"
	"strings"

	prompt "github.com/c-bata/go-prompt"

	"natlab/internal/tty"
)

// RunInteractive runs the line editor on the terminal (standard input and
// output) until the session exits from EXEC: history with the arrow keys,
// Tab and a completion menu from the grammar, `?` help without pressing
// Return, and Ctrl-Z (or Ctrl-C) to leave configuration mode. Standard
// input must be a terminal.
func (s *Session) RunInteractive() {
	s.echoMode = true
	defer func() { s.echoMode = false }()
	p := prompt.New(func(string) {}, s.completer,
		prompt.OptionLivePrefix(func() (string, bool) { return s.Prompt(), true }),
		prompt.OptionPrefix(s.Prompt()),
		prompt.OptionAddASCIICodeBind(prompt.ASCIICodeBind{ASCIICode: []byte{'?'}, Fn: func(b *prompt.Buffer) {
			if s.ReadingText() {
				b.InsertText("?", false, true) // a banner's text: '?' is a character
				return
			}
			text := b.Document().TextBeforeCursor()
			// Clear the completion menu below the line, then answer as IOS
			// does; the editor redraws the prompt and the text after it.
			s.write("?\x1b[J\n")
			// No --More-- here: the editor's reader owns the keyboard.
			s.helpText(text)
		}}),
		prompt.OptionAddKeyBind(
			prompt.KeyBind{Key: prompt.ControlZ, Fn: func(b *prompt.Buffer) {
				if !s.Mode().isExec() {
					s.write("^Z\n")
					s.inInput.Store(false) // the editor redraws the prompt itself
					s.endConfig()
					s.inInput.Store(true)
				}
			}},
			// Ctrl-C drops the line (the editor does that) and, as on IOS,
			// also leaves configuration mode.
			prompt.KeyBind{Key: prompt.ControlC, Fn: func(b *prompt.Buffer) {
				if !s.Mode().isExec() {
					s.inInput.Store(false)
					s.endConfig()
					s.inInput.Store(true)
				}
			}},
		),
		prompt.OptionCompletionWordSeparator(" "),
		prompt.OptionParser(newKeyReader()),
	)
	s.SetPagerInput(os.Stdin)
	defer s.SetPagerInput(nil)
	for !s.closed {
		s.typed.Store("")
		s.inInput.Store(true)
		line := p.Input()
		s.inInput.Store(false)
		if strings.TrimSpace(line) == "" && !s.ReadingText() {
			continue
		}
		tty.WithKeys(os.Stdin, func() { s.Execute(line) })
	}
}

// completer offers the keywords that may come next, with their help.
func (s *Session) completer(d prompt.Document) []prompt.Suggest {
	text := d.TextBeforeCursor()
	s.typed.Store(d.Text)
	if strings.TrimSpace(text) == "" || isBlank(text[len(text)-1]) {
		// IOS shows nothing until a word is being typed.
		return nil
	}
	cands, _ := s.wordCandidates(text, s.Mode(), 0, false)
	out := make([]prompt.Suggest, 0, len(cands))
	for _, c := range cands {
		out = append(out, prompt.Suggest{Text: c.text, Description: c.help})
	}
	return out
}
