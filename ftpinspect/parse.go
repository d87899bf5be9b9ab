package ftpinspect

import (
	"net/netip"
	"strconv"
)

// Kind names the four messages that announce a data endpoint.
type Kind uint8

const (
	KindNone Kind = iota
	// KindPORT is the active-mode command `PORT h1,h2,h3,h4,p1,p2` (RFC 959 §4.1.2).
	KindPORT
	// KindEPRT is the extended active-mode command `EPRT |1|a.b.c.d|port|` (RFC 2428 §2).
	KindEPRT
	// Kind227 is the reply to PASV, `227 ... h1,h2,h3,h4,p1,p2 ...` (RFC 959, RFC 1123 §4.1.2.6).
	Kind227
	// Kind229 is the reply to EPSV, `229 ... (|||port|)` (RFC 2428 §3).
	Kind229
)

var kindNames = [...]string{KindNone: "none", KindPORT: "PORT", KindEPRT: "EPRT", Kind227: "227", Kind229: "229"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// FromClient reports whether the message is a command (sent by the client);
// replies come from the server.
func (k Kind) FromClient() bool { return k == KindPORT || k == KindEPRT }

// Announcement is a data endpoint parsed from one control line.
type Announcement struct {
	Kind Kind
	// Addr is the announced IPv4 address; invalid for 229, which carries
	// none (the data connection goes to the control connection's address).
	Addr netip.Addr
	Port uint16
	// Fields are the six decimal fields of PORT and 227 (h1..h4, p1, p2),
	// kept for the debug token output.
	Fields [6]uint8
	// Start and End delimit the substring a rewrite replaces, line[Start:End]:
	// the six comma fields (PORT, 227), address, delimiter and port (EPRT),
	// or the port digits (229). The rest of the line is never touched.
	Start, End int
	// Delim is the EPRT/229 delimiter character.
	Delim byte
}

// ParseError says why a line that looked like an announcement was refused.
// The values are fixed so that a packet-path caller never allocates.
type ParseError uint8

const (
	// ErrNotAnnouncement: the line is not PORT, EPRT, 227 or 229 at all.
	ErrNotAnnouncement ParseError = iota + 1
	// ErrNoNumbers: a 227 with no digits (pure-ftpd's "227 Logout.").
	ErrNoNumbers
	// ErrFieldCount: not exactly six comma-separated fields.
	ErrFieldCount
	// ErrFieldRange: a field above 255 or longer than three digits.
	ErrFieldRange
	// ErrPortRange: an EPRT/EPSV port of 0 or above 65535.
	ErrPortRange
	// ErrSyntax: an empty field, a missing delimiter or parenthesis,
	// trailing garbage after a command's argument.
	ErrSyntax
	// ErrFamily: EPRT with a network protocol other than 1 (IPv4) on an
	// IPv4 control connection.
	ErrFamily
	// ErrAddress: an EPRT address that is not dotted-quad IPv4.
	ErrAddress
)

var parseErrorText = [...]string{
	ErrNotAnnouncement: "not a PORT, EPRT, 227 or 229 line",
	ErrNoNumbers:       "no address and port numbers",
	ErrFieldCount:      "not exactly six address and port fields",
	ErrFieldRange:      "address or port field above 255",
	ErrPortRange:       "port out of range 1-65535",
	ErrSyntax:          "malformed address and port",
	ErrFamily:          "network protocol is not IPv4",
	ErrAddress:         "malformed IPv4 address",
}

func (e ParseError) Error() string {
	if int(e) < len(parseErrorText) && parseErrorText[e] != "" {
		return parseErrorText[e]
	}
	return "ParseError(" + strconv.Itoa(int(e)) + ")"
}

// Parse recognises an announcement in one control line (without its line
// end). fromClient selects commands (PORT, EPRT) or replies (227, 229):
// a 227 typed by a client is not a reply and a PORT sent by a server is
// not a command. Parse does not allocate.
func Parse(line []byte, fromClient bool) (Announcement, error) {
	if fromClient {
		switch verbOf(line) {
		case verbPORT:
			return ParsePORT(line)
		case verbEPRT:
			return ParseEPRT(line)
		}
		return Announcement{}, ErrNotAnnouncement
	}
	switch code, final := replyCode(line); {
	case code == 227 && final:
		return Parse227(line)
	case code == 229 && final:
		return Parse229(line)
	}
	return Announcement{}, ErrNotAnnouncement
}

// ParsePORT parses `PORT h1,h2,h3,h4,p1,p2` (the verb in any case). The
// argument must be exactly six decimal fields of at most three digits, each
// 0-255, optionally followed by spaces; anything else after them is refused
// (as ASA's strict mode does: text after the numbers is an injection
// vector).
func ParsePORT(line []byte) (Announcement, error) {
	i, err := argument(line, verbPORT)
	if err != nil {
		return Announcement{}, err
	}
	a, end, err := commaFields(line, i)
	if err != nil {
		return a, err
	}
	if !onlySpaces(line[end:]) {
		return Announcement{}, ErrSyntax
	}
	a.Kind = KindPORT
	return a, nil
}

// argument returns where the argument of a command line with the
// four-letter verb v starts (after the verb and its spaces).
func argument(line []byte, v verb) (int, error) {
	if verbOf(line) != v {
		return 0, ErrNotAnnouncement
	}
	i := 4
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i == len(line) {
		return 0, ErrNoNumbers
	}
	return i, nil
}

// Parse227 parses a 227 reply the RFC 1123 §4.1.2.6 way: scan for the first
// digit after the code, then exactly six comma-separated fields. The
// parentheses, text before the numbers and a trailing dot are all optional
// and kept as they are.
func Parse227(line []byte) (Announcement, error) {
	if code, final := replyCode(line); code != 227 || !final {
		return Announcement{}, ErrNotAnnouncement
	}
	i := 4
	for i < len(line) && !isDigit(line[i]) {
		i++
	}
	if i == len(line) {
		return Announcement{}, ErrNoNumbers
	}
	// Text after the numbers (")", ").", words) is allowed.
	a, _, err := commaFields(line, i)
	if err != nil {
		return a, err
	}
	a.Kind = Kind227
	return a, nil
}

// commaFields reads six comma-separated decimal fields starting at line[i]
// and returns the announcement and the index after the last field.
func commaFields(line []byte, i int) (Announcement, int, error) {
	var a Announcement
	a.Start = i
	var f [6]int
	n := 0
	for {
		j, v := i, 0
		for j < len(line) && isDigit(line[j]) {
			v = v*10 + int(line[j]-'0')
			j++
			if j-i > 3 {
				return Announcement{}, 0, ErrFieldRange
			}
		}
		if j == i {
			if n == 0 {
				return Announcement{}, 0, ErrNoNumbers
			}
			return Announcement{}, 0, ErrSyntax // "1,,2" or a trailing comma
		}
		if v > 255 {
			return Announcement{}, 0, ErrFieldRange
		}
		if n == 6 {
			return Announcement{}, 0, ErrFieldCount
		}
		f[n] = v
		n++
		i = j
		if i < len(line) && line[i] == ',' {
			i++
			continue
		}
		break
	}
	if n != 6 {
		return Announcement{}, 0, ErrFieldCount
	}
	a.End = i
	for k := range f {
		a.Fields[k] = uint8(f[k])
	}
	a.Addr = netip.AddrFrom4([4]byte{a.Fields[0], a.Fields[1], a.Fields[2], a.Fields[3]})
	a.Port = uint16(f[4])<<8 | uint16(f[5])
	return a, i, nil
}

// ParseEPRT parses `EPRT <d>1<d>a.b.c.d<d>port<d>`. The delimiter is any
// character from 33 to 126 that is not a digit (RFC 2428 recommends `|`),
// the same at all four places; only network protocol 1 is accepted on an
// IPv4 control connection.
func ParseEPRT(line []byte) (Announcement, error) {
	i, err := argument(line, verbEPRT)
	if err != nil {
		return Announcement{}, err
	}
	d := line[i]
	if !isDelim(d) {
		return Announcement{}, ErrSyntax
	}
	i++
	j := i
	for j < len(line) && line[j] != d {
		j++
	}
	if j == len(line) {
		return Announcement{}, ErrSyntax
	}
	if string(line[i:j]) != "1" {
		if string(line[i:j]) == "2" {
			return Announcement{}, ErrFamily
		}
		return Announcement{}, ErrSyntax
	}
	var a Announcement
	a.Kind, a.Delim = KindEPRT, d
	a.Start = j + 1
	addr, k, err := dottedQuad(line, j+1)
	if err != nil {
		return Announcement{}, err
	}
	if k == len(line) || line[k] != d {
		return Announcement{}, ErrAddress
	}
	port, k2, err := decimalPort(line, k+1)
	if err != nil {
		return Announcement{}, err
	}
	if k2 == len(line) || line[k2] != d {
		return Announcement{}, ErrSyntax
	}
	if !onlySpaces(line[k2+1:]) {
		return Announcement{}, ErrSyntax
	}
	a.End = k2
	a.Addr, a.Port = addr, port
	b := addr.As4()
	copy(a.Fields[:4], b[:])
	a.Fields[4], a.Fields[5] = uint8(port>>8), uint8(port)
	return a, nil
}

// Parse229 parses a 229 reply, `229 <text> (<d><d><d>port<d>)`, with any
// text before the parenthesis and anything (a dot, text) after it.
func Parse229(line []byte) (Announcement, error) {
	if code, final := replyCode(line); code != 229 || !final {
		return Announcement{}, ErrNotAnnouncement
	}
	i := 4
	for i < len(line) && line[i] != '(' {
		i++
	}
	if i+4 >= len(line) {
		if i == len(line) {
			return Announcement{}, ErrNoNumbers
		}
		return Announcement{}, ErrSyntax
	}
	d := line[i+1]
	if !isDelim(d) || line[i+2] != d || line[i+3] != d {
		return Announcement{}, ErrSyntax
	}
	port, k, err := decimalPort(line, i+4)
	if err != nil {
		return Announcement{}, err
	}
	if k+1 >= len(line) || line[k] != d || line[k+1] != ')' {
		return Announcement{}, ErrSyntax
	}
	a := Announcement{Kind: Kind229, Port: port, Start: i + 4, End: k, Delim: d}
	a.Fields[4], a.Fields[5] = uint8(port>>8), uint8(port)
	return a, nil
}

// dottedQuad reads a.b.c.d at line[i:], each part 1-3 digits, at most 255.
func dottedQuad(line []byte, i int) (netip.Addr, int, error) {
	var b [4]byte
	for n := 0; n < 4; n++ {
		if n > 0 {
			if i == len(line) || line[i] != '.' {
				return netip.Addr{}, 0, ErrAddress
			}
			i++
		}
		j, v := i, 0
		for j < len(line) && isDigit(line[j]) {
			v = v*10 + int(line[j]-'0')
			j++
			if j-i > 3 {
				return netip.Addr{}, 0, ErrAddress
			}
		}
		if j == i || v > 255 {
			return netip.Addr{}, 0, ErrAddress
		}
		b[n] = byte(v)
		i = j
	}
	return netip.AddrFrom4(b), i, nil
}

// decimalPort reads 1-5 digits at line[i:] and checks 1..65535.
func decimalPort(line []byte, i int) (uint16, int, error) {
	j, v := i, 0
	for j < len(line) && isDigit(line[j]) {
		v = v*10 + int(line[j]-'0')
		j++
		if j-i > 5 {
			return 0, 0, ErrPortRange
		}
	}
	if j == i {
		return 0, 0, ErrSyntax
	}
	if v == 0 || v > 65535 {
		return 0, 0, ErrPortRange
	}
	return uint16(v), j, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isDelim is the RFC 2428 delimiter rule as Linux applies it: printable,
// not a digit (a digit would make the fields ambiguous).
func isDelim(c byte) bool { return c >= 33 && c <= 126 && !isDigit(c) }

func onlySpaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

// AppendNumbers appends the text that replaces line[a.Start:a.End] when the
// announced endpoint becomes addr:port: `h1,h2,h3,h4,p1,p2` for PORT and
// 227, `a.b.c.d<d>port` for EPRT and `port` for 229.
func AppendNumbers(dst []byte, k Kind, addr netip.Addr, port uint16, delim byte) []byte {
	switch k {
	case KindPORT, Kind227:
		b := addr.As4()
		for _, v := range b {
			dst = strconv.AppendUint(dst, uint64(v), 10)
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, uint64(port>>8), 10)
		dst = append(dst, ',')
		dst = strconv.AppendUint(dst, uint64(port&0xff), 10)
	case KindEPRT:
		b := addr.As4()
		for i, v := range b {
			if i > 0 {
				dst = append(dst, '.')
			}
			dst = strconv.AppendUint(dst, uint64(v), 10)
		}
		dst = append(dst, delim)
		dst = strconv.AppendUint(dst, uint64(port), 10)
	case Kind229:
		dst = strconv.AppendUint(dst, uint64(port), 10)
	}
	return dst
}

// maxNumbersLen is the longest AppendNumbers output:
// "255,255,255,255,255,255" (23 bytes).
const maxNumbersLen = 23
