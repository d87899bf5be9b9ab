package ftpinspect

import (
	"errors"
	"net/netip"
	"testing"

	"natlab/packet"
)

func TestParse(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name       string
		line       string
		fromClient bool
		kind       Kind
		addr       netip.Addr
		port       uint16
		numbers    string // line[Start:End]
		err        error
	}{
		// §9 case 1, 2: PORT canonical and lower case.
		{"port", "PORT 10,0,0,10,195,80", true, KindPORT, a("10.0.0.10"), 50000, "10,0,0,10,195,80", nil},
		{"port lower", "port 10,0,0,10,195,80", true, KindPORT, a("10.0.0.10"), 50000, "10,0,0,10,195,80", nil},
		{"port trailing spaces", "PORT 10,0,0,10,195,80  ", true, KindPORT, a("10.0.0.10"), 50000, "10,0,0,10,195,80", nil},
		{"port leading zeros", "PORT 010,000,0,10,195,080", true, KindPORT, a("10.0.0.10"), 50000, "010,000,0,10,195,080", nil},
		{"port article", "PORT 192,168,1,10,11,185", true, KindPORT, a("192.168.1.10"), 3001, "192,168,1,10,11,185", nil},
		// §9 case 12: malformed numbers.
		{"port octet 300", "PORT 10,0,0,300,195,80", true, 0, netip.Addr{}, 0, "", ErrFieldRange},
		{"port five fields", "PORT 10,0,0,10,195", true, 0, netip.Addr{}, 0, "", ErrFieldCount},
		{"port seven fields", "PORT 10,0,0,10,195,80,1", true, 0, netip.Addr{}, 0, "", ErrFieldCount},
		{"port empty field", "PORT 10,0,,10,195,80", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"port trailing comma", "PORT 10,0,0,10,195,", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"port four digits", "PORT 10,0,0,1000,195,80", true, 0, netip.Addr{}, 0, "", ErrFieldRange},
		{"port no args", "PORT", true, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		{"port garbage after", "PORT 10,0,0,10,195,80 x", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"port letters", "PORT a,b,c,d,e,f", true, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		// §9 case 15: numbers inside other commands are not announcements.
		{"stor port", "STOR PORT 10,0,0,10,195,80", true, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		{"cwd 227", "CWD 227 (1,2,3,4,5,6)", true, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		{"portx", "PORTX 10,0,0,10,195,80", true, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		// §9 case 21: a PORT from the server, a 227 from the client.
		{"port from server", "PORT 10,0,0,10,195,80", false, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		{"227 from client", "227 Entering Passive Mode (10,0,0,20,156,64)", true, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		// §9 cases 3-7: 227 forms (RFC 1123).
		{"227 parens", "227 Entering Passive Mode (10,0,0,20,156,64)", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 no parens", "227 Entering passive mode. 10,0,0,20,156,64", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 numbers only", "227 10,0,0,20,156,64", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 listen to", "227 Data transfer will passively listen to 10,0,0,20,156,64", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 trailing dot", "227 Entering Passive Mode (10,0,0,20,156,64).", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 dot before paren", "227 Entering Passive Mode.(10,0,0,20,156,64)", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 equals", "227 =10,0,0,20,156,64", false, Kind227, a("10.0.0.20"), 40000, "10,0,0,20,156,64", nil},
		{"227 article", "227 Entering Passive Mode (192,168,1,20,11,185)", false, Kind227, a("192.168.1.20"), 3001, "192,168,1,20,11,185", nil},
		{"227 logout", "227 Logout.", false, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		{"227 bare", "227", false, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		{"227 octet 256", "227 Entering Passive Mode (10,0,0,256,156,64)", false, 0, netip.Addr{}, 0, "", ErrFieldRange},
		{"227 five", "227 Entering Passive Mode (10,0,0,20,156)", false, 0, netip.Addr{}, 0, "", ErrFieldCount},
		{"227 seven", "227 Entering Passive Mode (10,0,0,20,156,64,1)", false, 0, netip.Addr{}, 0, "", ErrFieldCount},
		{"227 digit in text", "227 Mode 2 (10,0,0,20,156,64)", false, 0, netip.Addr{}, 0, "", ErrFieldCount},
		{"227 multi-line first", "227-Entering Passive Mode (10,0,0,20,156,64)", false, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		{"2270", "2270 (10,0,0,20,156,64)", false, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
		// §9 cases 8, 9, 12: 229.
		{"229", "229 Entering Extended Passive Mode (|||40000|)", false, Kind229, netip.Addr{}, 40000, "40000", nil},
		{"229 bang dot", "229 Entering Extended Passive Mode (!!!40000!).", false, Kind229, netip.Addr{}, 40000, "40000", nil},
		{"229 lower", "229 Entering extended passive mode (|||1025|)", false, Kind229, netip.Addr{}, 1025, "1025", nil},
		{"229 port 0", "229 Entering Extended Passive Mode (|||0|)", false, 0, netip.Addr{}, 0, "", ErrPortRange},
		{"229 port 70000", "229 Entering Extended Passive Mode (|||70000|)", false, 0, netip.Addr{}, 0, "", ErrPortRange},
		{"229 six digits", "229 Entering Extended Passive Mode (|||100000|)", false, 0, netip.Addr{}, 0, "", ErrPortRange},
		{"229 mixed delims", "229 Entering Extended Passive Mode (||!40000|)", false, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"229 no close", "229 Entering Extended Passive Mode (|||40000|", false, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"229 no parens", "229 Entering Extended Passive Mode", false, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		{"229 digit delim", "229 (111400001)", false, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"229 empty port", "229 (||||)", false, 0, netip.Addr{}, 0, "", ErrSyntax},
		// §9 cases 10, 11: EPRT.
		{"eprt", "EPRT |1|10.0.0.10|50000|", true, KindEPRT, a("10.0.0.10"), 50000, "10.0.0.10|50000", nil},
		{"eprt lower other delim", "eprt !1!10.0.0.10!50000!", true, KindEPRT, a("10.0.0.10"), 50000, "10.0.0.10!50000", nil},
		{"eprt ipv6", "EPRT |2|2001:db8::1|50000|", true, 0, netip.Addr{}, 0, "", ErrFamily},
		{"eprt proto 3", "EPRT |3|10.0.0.10|50000|", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"eprt bad addr", "EPRT |1|10.0.0.300|50000|", true, 0, netip.Addr{}, 0, "", ErrAddress},
		{"eprt short addr", "EPRT |1|10.0.0|50000|", true, 0, netip.Addr{}, 0, "", ErrAddress},
		{"eprt port 0", "EPRT |1|10.0.0.10|0|", true, 0, netip.Addr{}, 0, "", ErrPortRange},
		{"eprt port big", "EPRT |1|10.0.0.10|65536|", true, 0, netip.Addr{}, 0, "", ErrPortRange},
		{"eprt no end delim", "EPRT |1|10.0.0.10|50000", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"eprt digit delim", "EPRT 515.0.0.105500005", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"eprt garbage", "EPRT |1|10.0.0.10|50000| x", true, 0, netip.Addr{}, 0, "", ErrSyntax},
		{"eprt empty", "EPRT ", true, 0, netip.Addr{}, 0, "", ErrNoNumbers},
		// §9 case 14: LPRT is not parsed (the inspector leaves it alone).
		{"lprt", "LPRT 4,4,10,0,0,10,2,195,80", true, 0, netip.Addr{}, 0, "", ErrNotAnnouncement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.line), tt.fromClient)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Parse(%q) error = %v, want %v", tt.line, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.line, err)
			}
			if got.Kind != tt.kind || got.Addr != tt.addr || got.Port != tt.port {
				t.Errorf("Parse(%q) = %v %v %d, want %v %v %d", tt.line, got.Kind, got.Addr, got.Port, tt.kind, tt.addr, tt.port)
			}
			if n := tt.line[got.Start:got.End]; n != tt.numbers {
				t.Errorf("numbers = %q, want %q", n, tt.numbers)
			}
		})
	}
}

func TestAppendNumbers(t *testing.T) {
	g := netip.MustParseAddr("203.0.113.1")
	tests := []struct {
		kind  Kind
		delim byte
		port  uint16
		want  string
	}{
		{KindPORT, 0, 50000, "203,0,113,1,195,80"},
		{Kind227, 0, 3001, "203,0,113,1,11,185"},
		{KindEPRT, '|', 50000, "203.0.113.1|50000"},
		{KindEPRT, '!', 1025, "203.0.113.1!1025"},
		{Kind229, '|', 40000, "40000"},
	}
	for _, tt := range tests {
		if got := string(AppendNumbers(nil, tt.kind, g, tt.port, tt.delim)); got != tt.want {
			t.Errorf("AppendNumbers(%v) = %q, want %q", tt.kind, got, tt.want)
		}
	}
	if n := len(AppendNumbers(nil, KindPORT, netip.MustParseAddr("255.255.255.255"), 65535, 0)); n != maxNumbersLen {
		t.Errorf("longest numbers = %d bytes, maxNumbersLen = %d", n, maxNumbersLen)
	}
}

// TestParseRoundTrip: what AppendNumbers writes, Parse reads back.
func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "1.2.3.4", "255.255.255.255", "203.0.113.20"} {
		addr := netip.MustParseAddr(s)
		for _, port := range []uint16{1, 255, 256, 1024, 50000, 65535} {
			for _, tc := range []struct {
				kind   Kind
				prefix string
				suffix string
				client bool
			}{
				{KindPORT, "PORT ", "", true},
				{Kind227, "227 Entering Passive Mode (", ").", false},
				{KindEPRT, "EPRT |1|", "|", true},
				{Kind229, "229 Entering Extended Passive Mode (|||", "|)", false},
			} {
				line := tc.prefix + string(AppendNumbers(nil, tc.kind, addr, port, '|')) + tc.suffix
				a, err := Parse([]byte(line), tc.client)
				if err != nil {
					t.Fatalf("Parse(%q): %v", line, err)
				}
				if a.Port != port || (tc.kind != Kind229 && a.Addr != addr) {
					t.Errorf("Parse(%q) = %v:%d", line, a.Addr, a.Port)
				}
			}
		}
	}
}

func TestVerbOf(t *testing.T) {
	tests := map[string]verb{
		"PORT 1,2,3,4,5,6": verbPORT, "port": verbPORT, "PASV": verbPASV, "pasv ": verbPASV,
		"EPSV": verbEPSV, "EPSV 1": verbEPSV, "EPSV ALL": verbEPSVAll, "epsv all ": verbEPSVAll,
		"AUTH TLS": verbAUTH, "CCC": verbCCC, "REIN": verbREIN, "QUIT": verbQUIT,
		"LPRT 4,4": verbLPRT, "LPSV": verbLPSV, "RETR x": verbOther, "PASVX": verbOther,
		"": verbNone, " PORT": verbNone, "P": verbOther,
	}
	for line, want := range tests {
		if got := verbOf([]byte(line)); got != want {
			t.Errorf("verbOf(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestReplyCode(t *testing.T) {
	tests := []struct {
		line  string
		code  int
		final bool
	}{
		{"227 Entering", 227, true}, {"227", 227, true}, {"214-Help", 214, false},
		{"2270", 0, false}, {"22", 0, false}, {"abc ", 0, false}, {" 227 x", 0, false},
	}
	for _, tt := range tests {
		if c, f := replyCode([]byte(tt.line)); c != tt.code || f != tt.final {
			t.Errorf("replyCode(%q) = %d %v, want %d %v", tt.line, c, f, tt.code, tt.final)
		}
	}
}

func TestTokenLines(t *testing.T) {
	a, err := Parse([]byte("227 Entering Passive Mode (192,168,1,20,11,185)"), false)
	if err != nil {
		t.Fatal(err)
	}
	got := TokenLines(&a)
	want := []string{
		"CBAC FTP: tokens 227: ip 192,168,1,20 = 192.168.1.20",
		"CBAC FTP: tokens 227: port 11*256+185 = 3001",
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("TokenLines = %q, want %q", got, want)
	}
	f := packet.TupleOf(packet.ProtoTCP, netip.MustParseAddrPort("10.0.0.10:49732"), netip.MustParseAddrPort("198.51.100.50:21"))
	if l := CommandLine(f, true, []byte("PORT 10,0,0,10,195,80")); l != `CBAC FTP: cmd 10.0.0.10:49732 => 198.51.100.50:21 "PORT 10,0,0,10,195,80"` {
		t.Errorf("CommandLine = %s", l)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"PORT 10,0,0,10,195,80", "227 Entering Passive Mode (10,0,0,20,156,64).", "227 10,0,0,20,156,64",
		"229 Entering Extended Passive Mode (|||40000|)", "EPRT |1|10.0.0.10|50000|", "EPRT |2|::1|5|",
		"PORT 1,2,3,4,5,6,7", "227 Logout.", "229 (!!!0!)",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, line []byte, fromClient bool) {
		a, err := Parse(line, fromClient)
		if err != nil {
			return
		}
		if a.Start < 0 || a.End > len(line) || a.Start > a.End {
			t.Fatalf("numbers [%d:%d] outside line of %d", a.Start, a.End, len(line))
		}
		if a.Kind.FromClient() != fromClient {
			t.Fatalf("kind %v from client %v", a.Kind, fromClient)
		}
		if a.Kind == KindEPRT || a.Kind == Kind229 {
			if a.Port == 0 {
				t.Fatalf("port 0 accepted: %q", line)
			}
		}
		// Replacing the numbers with the canonical text parses to the same.
		out := append([]byte(nil), line[:a.Start]...)
		out = AppendNumbers(out, a.Kind, a.Addr, a.Port, a.Delim)
		out = append(out, line[a.End:]...)
		b, err := Parse(out, fromClient)
		if err != nil || b.Port != a.Port || b.Addr != a.Addr {
			t.Fatalf("canonical %q of %q: %v %v:%d", out, line, err, b.Addr, b.Port)
		}
	})
}
