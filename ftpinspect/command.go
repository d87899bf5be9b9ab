package ftpinspect

// verb is a client command that matters to the inspector. Everything else
// is verbOther: it still takes its place in the command/reply pairing.
type verb uint8

const (
	verbNone  verb = iota // not a command (empty line, junk)
	verbOther             // a command that does not concern the inspector
	verbPORT
	verbEPRT
	verbPASV
	verbEPSV
	verbEPSVAll // EPSV ALL: the client promises to use EPSV only
	verbLPRT
	verbLPSV
	verbAUTH
	verbCCC
	verbREIN
	verbQUIT
)

var verbNames = [...]string{
	verbNone: "", verbOther: "other", verbPORT: "PORT", verbEPRT: "EPRT", verbPASV: "PASV",
	verbEPSV: "EPSV", verbEPSVAll: "EPSV ALL", verbLPRT: "LPRT", verbLPSV: "LPSV",
	verbAUTH: "AUTH", verbCCC: "CCC", verbREIN: "REIN", verbQUIT: "QUIT",
}

func (v verb) String() string { return verbNames[v] }

// verbOf classifies a command line by its first word (RFC 959: the verb
// is case-insensitive and ends at a space or the line end).
func verbOf(line []byte) verb {
	n := 0
	for n < len(line) && n < 5 && line[n] != ' ' {
		n++
	}
	if n == 0 {
		return verbNone
	}
	if n > 4 || (n < len(line) && line[n] != ' ') {
		return verbOther
	}
	var w [4]byte
	for i := 0; i < n; i++ {
		c := line[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		w[i] = c
	}
	switch string(w[:n]) {
	case "PORT":
		return verbPORT
	case "EPRT":
		return verbEPRT
	case "PASV":
		return verbPASV
	case "EPSV":
		if argIs(line[n:], "ALL") {
			return verbEPSVAll
		}
		return verbEPSV
	case "LPRT":
		return verbLPRT
	case "LPSV":
		return verbLPSV
	case "AUTH":
		return verbAUTH
	case "CCC":
		return verbCCC
	case "REIN":
		return verbREIN
	case "QUIT":
		return verbQUIT
	}
	return verbOther
}

// argIs reports whether the argument (after the verb) is word, ignoring
// case and surrounding spaces.
func argIs(rest []byte, word string) bool {
	i := 0
	for i < len(rest) && rest[i] == ' ' {
		i++
	}
	j := len(rest)
	for j > i && rest[j-1] == ' ' {
		j--
	}
	if j-i != len(word) {
		return false
	}
	for k := 0; k < len(word); k++ {
		c := rest[i+k]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != word[k] {
			return false
		}
	}
	return true
}

// replyCode reads the three-digit code at the start of a reply line (RFC
// 959 §4.2). final is true for `xyz ` or a bare `xyz` (the last or only
// line of a reply), false for `xyz-` (the first line of a multi-line
// reply). code is 0 when the line does not start with a reply code.
func replyCode(line []byte) (code int, final bool) {
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) {
		return 0, false
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	if len(line) == 3 || line[3] == ' ' {
		return code, true
	}
	if line[3] == '-' {
		return code, false
	}
	return 0, false
}
