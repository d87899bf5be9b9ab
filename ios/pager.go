package ios

import "strings"

// morePrompt is what IOS prints when a page is full.
const morePrompt = " --More-- "

// page writes command output, stopping at each screenful with --More--
// when the session is interactive and paging is on. Space shows the next
// page, Return the next line, any other key ends the output.
func (s *Session) page(text string) {
	if s.pagerIn == nil || s.length <= 0 {
		s.write(text)
		return
	}
	lines := strings.SplitAfter(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	room := s.length - 1
	for i := 0; i < len(lines); i++ {
		if room == 0 {
			s.write(morePrompt)
			key, err := s.pagerIn.ReadByte()
			// IOS erases the prompt by backspacing over it with blanks.
			erase := strings.Repeat("\b", len(morePrompt)) + strings.Repeat(" ", len(morePrompt)) + strings.Repeat("\b", len(morePrompt))
			s.write(erase)
			switch {
			case err != nil:
				return
			case key == ' ':
				room = s.length - 1
			case key == '\r' || key == '\n':
				room = 1
			default:
				return
			}
		}
		s.write(lines[i])
		room--
	}
}
