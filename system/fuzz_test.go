package system

import (
	"strings"
	"testing"

	"natlab/internal/golden"
)

// FuzzBanner types a banner (the rest of the `banner motd` line and the
// lines after it), then reads the running-config form back: the text must
// survive when it does not itself hold ^C.
func FuzzBanner(f *testing.F) {
	f.Add("#Hello#", "")
	f.Add("#", "line one\n!\nend\n#")
	f.Add("^C", "text\n^C trailing")
	f.Add("  $ a $ b", "")
	f.Add("x", "no end here")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, first, more string) {
		_, text, ok := typeBanner(first, strings.Split(more, "\n"))
		if !ok || strings.Contains(text, caretC) {
			return
		}
		r := strings.TrimSuffix(renderBanner("motd", text), "\n")
		rest, found := strings.CutPrefix(r, "banner motd ")
		if !found {
			t.Fatalf("render %q", r)
		}
		lines := strings.Split(rest, "\n")
		done, again, ok := typeBanner(lines[0], lines[1:])
		if !ok || !done || again != text {
			t.Fatalf("text %q rendered %q read back as %q (done %v)", text, r, again, done)
		}
	})
}

// typeBanner runs the banner parser over a first line and the lines after.
func typeBanner(first string, more []string) (done bool, text string, ok bool) {
	delim, text, done, ok := bannerStart(first)
	if !ok {
		return false, "", false
	}
	for _, l := range more {
		if done {
			break
		}
		text, done = bannerLine(delim, text, l)
	}
	return done, text, true
}

// FuzzLineConfig loads arbitrary line-mode and banner input into a router:
// nothing may panic, and whatever was accepted must render and load back
// to the same text.
func FuzzLineConfig(f *testing.F) {
	f.Add("line vty 0 4\n password 7 0822455D0A16\n transport input telnet ssh\n access-class 10 in")
	f.Add("banner motd ^C\nhello\n^C\nline con 0\n exec-timeout 0 0")
	f.Add("username a privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\nenable password 7 0822")
	f.Fuzz(func(t *testing.T, cfg string) {
		if strings.Contains(cfg, caretC) || strings.ContainsAny(cfg, "\r\x1a") {
			t.Skip() // a literal ^C inside a banner cannot be rendered back
		}
		e, _ := newTestSystem()
		e.LoadConfig(strings.NewReader(cfg))
		first := e.RunningConfig()
		e2, _ := newTestSystem()
		e2.LoadConfig(strings.NewReader(first))
		if second := e2.RunningConfig(); second != first {
			t.Fatalf("round trip of %q differs:\n%s", cfg, golden.Diff(first, second))
		}
	})
}

// FuzzSecretParsers feeds typed secrets to the type 5, 8 and 9 parsers:
// nothing panics, and what parses renders back to the same text.
func FuzzSecretParsers(f *testing.F) {
	f.Add("$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk")
	f.Add("$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6")
	f.Add("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0")
	f.Add("$9$$")
	f.Add("$8$TnGX/fE4KGHOVU$")
	f.Add("")
	_, s := newTestSystem()
	f.Fuzz(func(t *testing.T, text string) {
		if typ, salt, digest, ok := parseType89(text); ok {
			if again := "$" + string(rune('0'+typ)) + "$" + salt + "$" + digest; again != text {
				t.Fatalf("%q parsed as %d %q %q", text, typ, salt, digest)
			}
		}
		_ = validMD5Crypt(text)
		for _, typ := range []string{"5", "8", "9"} {
			if sec, err := s.makeSecret(typ, "", text); err == nil && sec.hash != text {
				t.Fatalf("type %s %q kept as %q", typ, text, sec.hash)
			}
		}
	})
}

// FuzzKeyFile reads arbitrary bytes as the key file beside the
// startup-config: a bad file is no key, never a panic.
func FuzzKeyFile(f *testing.F) {
	k, _ := fixtureKey(512)
	f.Add(encodeKeyFile(k, "R1.lab.local", bootTime))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nName: x\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if key, name, _, ok := decodeKeyFile(b); ok && (key == nil || name == "") {
			t.Fatal("accepted a file without key or name")
		}
	})
}
