package system

import (
	"bytes"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
)

// TestScryptRFC7914 checks the scrypt core against the RFC's vectors.
func TestScryptRFC7914(t *testing.T) {
	tests := []struct {
		pw, salt string
		n, r, p  int
		want     string
	}{
		{"", "", 16, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
		{"password", "NaCl", 1024, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
	}
	for _, tt := range tests {
		got := scrypt([]byte(tt.pw), []byte(tt.salt), tt.n, tt.r, tt.p, 64)
		want, _ := hex.DecodeString(tt.want)
		if !bytes.Equal(got, want) {
			t.Errorf("scrypt(%q, %q, %d, %d, %d) = %x, want %s", tt.pw, tt.salt, tt.n, tt.r, tt.p, got, tt.want)
		}
	}
}

// TestType89Vectors verifies published IOS type 8 and 9 secrets (hashcat's
// example hashes for modes 9200 and 9300, password "hashcat") and makes
// them again from their salts.
func TestType89Vectors(t *testing.T) {
	tests := []struct{ hash, password string }{
		{"$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk", "hashcat"},
		{"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "hashcat"},
	}
	for _, tt := range tests {
		if !type89Matches(tt.hash, tt.password) {
			t.Errorf("%s does not match %q", tt.hash, tt.password)
		}
		if type89Matches(tt.hash, tt.password+"x") {
			t.Errorf("%s matches a wrong password", tt.hash)
		}
		typ, salt, _, _ := parseType89(tt.hash)
		if got := makeType89(typ, tt.password, salt); got != tt.hash {
			t.Errorf("makeType89(%d, %q, %q) = %s, want %s", typ, tt.password, salt, got, tt.hash)
		}
	}
}

// TestType9AgainstPython cross-checks type 9 with Python's hashlib.scrypt
// when python3 is installed.
func TestType9AgainstPython(t *testing.T) {
	const pw, salt = "cisco", "abcdefghijklmn"
	script := `import hashlib,base64,sys
std="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
cis="./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
d=hashlib.scrypt(b"cisco",salt=b"abcdefghijklmn",n=16384,r=1,p=1,dklen=32)
e=base64.b64encode(d).decode().rstrip("=")
print("$9$abcdefghijklmn$"+e.translate(str.maketrans(std,cis)))`
	out, err := exec.Command("python3", "-c", script).Output()
	if err != nil {
		t.Skip("no python3 with hashlib.scrypt")
	}
	want := strings.TrimSpace(string(out))
	if got := makeType89(9, pw, salt); got != want {
		t.Errorf("type 9 of %q = %s, Python says %s", pw, got, want)
	}
}

func TestParseType89(t *testing.T) {
	for s, want := range map[string]bool{
		"$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk":  true,
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6":  true,
		"$7$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6":  false,
		"$9$2MJBozw/9R3Us$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6":   false,
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo":   false,
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6x": false,
		"$9$2MJBozw!9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6":  false,
		"$9$": false, "": false, "cisco": false,
	} {
		if _, _, _, ok := parseType89(s); ok != want {
			t.Errorf("parseType89(%q) ok = %v, want %v", s, ok, want)
		}
	}
}
