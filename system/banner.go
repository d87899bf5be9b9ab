package system

import "strings"

// caretC is how IOS renders every banner delimiter in the running-config
// (it stores Ctrl-C), and how it reads one back from a configuration.
const caretC = "^C"

// bannerStart reads what follows `banner motd` on its line: the delimiter
// (the first non-blank character, or "^C") and the text after it. done is
// true when the closing delimiter is on the same line; anything after it
// is ignored, as on IOS. ok is false when there is no delimiter.
func bannerStart(rest string) (delim, text string, done, ok bool) {
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" {
		return "", "", false, false
	}
	delim = rest[:1]
	if strings.HasPrefix(rest, caretC) {
		delim = caretC
	}
	body := rest[len(delim):]
	if i := strings.Index(body, delim); i >= 0 {
		return delim, body[:i], true, true
	}
	return delim, body + "\n", false, true
}

// bannerLine adds one more input line to a banner being typed. done is true
// when the line holds the closing delimiter (what follows it is ignored).
func bannerLine(delim, text, line string) (string, bool) {
	if i := strings.Index(line, delim); i >= 0 {
		return text + line[:i], true
	}
	return text + line + "\n", false
}

// renderBanner is the running-config form: the delimiter is always ^C.
func renderBanner(kind, text string) string {
	return "banner " + kind + " " + caretC + text + caretC + "\n"
}
