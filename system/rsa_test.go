package system

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

// routerAt is a router whose startup-config lives at path.
func routerAt(t *testing.T, path string) (*ios.Engine, *System) {
	t.Helper()
	e, s := newTestSystem()
	e.SetStartupPath(path)
	return e, s
}

// TestKeyPersistence makes a key, then a new router on the same startup
// path finds it without write memory; zeroize removes it for good.
func TestKeyPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "R1.cfg")
	e, s := routerAt(t, path)
	if s.SSHHostKey() != nil {
		t.Fatal("a new router has a key")
	}
	var out strings.Builder
	e.NewSession(&out).RunScript(strings.NewReader("en\nconf t\nip domain name lab.local\ncrypto key generate rsa modulus 1024\n"))
	k := s.SSHHostKey()
	if k == nil || k.N.BitLen() != 1024 {
		t.Fatalf("no 1024-bit key after generate:\n%s", out.String())
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the startup-config was written")
	}
	e2, s2 := routerAt(t, path)
	k2 := s2.SSHHostKey()
	if k2 == nil || !k2.Equal(k) {
		t.Fatal("the key did not survive a restart")
	}
	out.Reset()
	e2.NewSession(&out).RunScript(strings.NewReader("en\nshow crypto key mypubkey rsa\n"))
	if !strings.Contains(out.String(), "Key name: R1.lab.local\n") {
		t.Errorf("show crypto key after restart:\n%s", out.String())
	}
	// The zeroize question answered yes needs a terminal: call the store.
	s2.mu.Lock()
	s2.keys.key = nil
	if err := s2.saveKeysLocked(); err != nil {
		t.Fatal(err)
	}
	s2.mu.Unlock()
	if _, s3 := routerAt(t, path); s3.SSHHostKey() != nil {
		t.Error("the key survived zeroize")
	}
}

// TestSmallKeysDoNotServe checks IOS's default 512-bit key shows but is no
// SSH host key.
func TestSmallKeysDoNotServe(t *testing.T) {
	e, s := newTestSystem()
	e.NewSession(nil).RunScript(strings.NewReader("en\nconf t\nip domain name lab.local\ncrypto key generate rsa modulus 512\n"))
	if s.SSHHostKey() != nil {
		t.Error("a 512-bit key is served")
	}
	s.mu.Lock()
	bits := s.keyBitsLocked()
	s.mu.Unlock()
	if bits != 512 {
		t.Errorf("key of %d bits, want 512", bits)
	}
}

func TestGenerateKeySizes(t *testing.T) {
	for _, bits := range []int{360, 512, 767, 1024} {
		k, err := generateKey(bits)
		if err != nil || k.N.BitLen() != bits || k.Validate() != nil {
			t.Errorf("generateKey(%d): %v", bits, err)
		}
	}
}

func TestKeyFileRoundTrip(t *testing.T) {
	k, _ := fixtureKey(512)
	created := time.Date(2002, 3, 1, 0, 0, 5, 0, time.UTC)
	got, name, when, ok := decodeKeyFile(encodeKeyFile(k, "R1.lab.local", created))
	if !ok || !got.Equal(k) || name != "R1.lab.local" || !when.Equal(created) {
		t.Errorf("round trip: ok=%v name=%q created=%v", ok, name, when)
	}
	for _, bad := range []string{"", "garbage", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"} {
		if _, _, _, ok := decodeKeyFile([]byte(bad)); ok {
			t.Errorf("decodeKeyFile(%q) accepted", bad)
		}
	}
}

// TestSSHSettings reads the ip ssh settings back.
func TestSSHSettings(t *testing.T) {
	e, s := newTestSystem()
	if got := s.SSH(); got != (SSHSettings{Version: 0, Timeout: 120 * time.Second, Retries: 3}) {
		t.Errorf("defaults %+v", got)
	}
	e.LoadConfig(strings.NewReader("ip ssh version 2\nip ssh time-out 30\nip ssh authentication-retries 0\n"))
	if got := s.SSH(); got != (SSHSettings{Version: 2, Timeout: 30 * time.Second, Retries: 0}) {
		t.Errorf("configured %+v", got)
	}
}
