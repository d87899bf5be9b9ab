package ios

import "strings"

// morePrompt is what IOS prints when a page is full.
const morePrompt = " --More-- "

// moreErase backspaces over the prompt with blanks, as IOS does (which is
// why captured output shows trailing blanks after a page break).
var moreErase = strings.Repeat("\b", len(morePrompt)) + strings.Repeat(" ", len(morePrompt)) + strings.Repeat("\b", len(morePrompt))

// pager streams command output, stopping at each screenful with --More--:
// Space shows the next page, Return the next line, any other key ends the
// output (the rest is discarded). Streaming keeps ping's progress visible.
type pager struct {
	s       *Session
	room    int  // lines that still fit before the next --More--
	stopped bool // the user ended the output
	partial bool // the last write ended inside a line
}

func newPager(s *Session) *pager { return &pager{s: s, room: s.length - 1} }

func (p *pager) Write(b []byte) (int, error) {
	text := string(b)
	for text != "" && !p.stopped {
		if p.room <= 0 && !p.partial {
			p.more()
			continue
		}
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			p.s.write(text)
			p.partial = true
			break
		}
		p.s.write(text[:i+1])
		text = text[i+1:]
		p.partial = false
		p.room--
	}
	return len(b), nil
}

// more shows the prompt and waits for a key.
func (p *pager) more() {
	p.s.write(morePrompt)
	key, err := p.s.pagerIn.ReadByte()
	p.s.write(moreErase)
	switch {
	case err != nil:
		p.stopped = true
	case key == ' ':
		p.room = p.s.length - 1
	case key == '\r' || key == '\n':
		p.room = 1
	default:
		p.stopped = true
	}
}

// page writes complete output through a pager when the session pages.
func (s *Session) page(text string) {
	if s.pagerIn == nil || s.length <= 0 {
		s.write(text)
		return
	}
	newPager(s).Write([]byte(text))
}
