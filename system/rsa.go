package system

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// keyFileSuffix names the file beside the startup-config where the RSA key
// pair is kept: IOS keeps keys in NVRAM (private-config) at once, without
// `write memory`, and not in the running-config.
const keyFileSuffix = ".keys"

// minSigningBits is the smallest RSA key Go's crypto signs with (OpenSSH
// clients refuse smaller host keys too).
const minSigningBits = 1024

// keyStore is the router's RSA key pair; it lives in System under s.mu.
type keyStore struct {
	loaded  bool   // path has been read
	path    string // the key file, "" while the startup-config is in memory
	key     *rsa.PrivateKey
	name    string // "R1.lab.local"
	created time.Time
}

// ensureKeysLocked reads the key file beside the current startup-config
// the first time it is needed, and again when the startup path changes. A
// key made before a path was set is saved to the new path.
func (s *System) ensureKeysLocked() {
	path := s.e.StartupPath()
	if path != "" {
		path += keyFileSuffix
	}
	if s.keys.loaded && s.keys.path == path {
		return
	}
	s.keys.loaded, s.keys.path = true, path
	if path == "" {
		return
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if s.keys.key != nil {
			s.saveKeysLocked()
		}
		return
	}
	s.keys.key, s.keys.name, s.keys.created = nil, "", time.Time{}
	if err != nil {
		return
	}
	key, name, created, ok := decodeKeyFile(b)
	if ok {
		s.keys.key, s.keys.name, s.keys.created = key, name, created
	}
}

// encodeKeyFile is the key file: PKCS #1 in PEM with the key's name and
// creation time in headers.
func encodeKeyFile(key *rsa.PrivateKey, name string, created time.Time) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Name": name, "Created": created.UTC().Format(time.RFC3339)},
		Bytes:   x509.MarshalPKCS1PrivateKey(key)})
}

// decodeKeyFile reads what encodeKeyFile wrote; ok is false for anything
// else.
func decodeKeyFile(b []byte) (key *rsa.PrivateKey, name string, created time.Time, ok bool) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "RSA PRIVATE KEY" || blk.Headers["Name"] == "" {
		return nil, "", time.Time{}, false
	}
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return nil, "", time.Time{}, false
	}
	created, _ = time.Parse(time.RFC3339, blk.Headers["Created"])
	return key, blk.Headers["Name"], created, true
}

// saveKeysLocked writes the key file (or removes it after zeroize): a
// temporary file, then rename, so a crash never leaves half a key.
func (s *System) saveKeysLocked() error {
	path := s.keys.path
	if path == "" {
		return nil
	}
	if s.keys.key == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(encodeKeyFile(s.keys.key, s.keys.name, s.keys.created))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// generateKey makes an RSA key of exactly bits bits. Go's rsa.GenerateKey
// refuses keys under 1024 bits, which IOS still offers (512 is its
// default), so those are built from two primes here; such a key shows and
// persists like any other but cannot sign.
func generateKey(bits int) (*rsa.PrivateKey, error) {
	if bits >= minSigningBits {
		return rsa.GenerateKey(rand.Reader, bits)
	}
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, err := rand.Prime(rand.Reader, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := rand.Prime(rand.Reader, bits-bits/2)
		if err != nil {
			return nil, err
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		return k, nil
	}
}

// SSHHostKey is the router's RSA key pair for the SSH server: nil until
// `crypto key generate rsa`, after `crypto key zeroize rsa`, and while the
// key is shorter than 1024 bits (IOS's default 512: neither Go's crypto nor
// OpenSSH clients use such a key, so there is no SSH, as on IOS without
// keys).
func (s *System) SSHHostKey() *rsa.PrivateKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureKeysLocked()
	if s.keys.key == nil || s.keys.key.N.BitLen() < minSigningBits {
		return nil
	}
	return s.keys.key
}

// SSHSettings are the `ip ssh` settings.
type SSHSettings struct {
	Version int           // 0: 1.99 (both; the server speaks 2), 1 or 2 as configured
	Timeout time.Duration // ip ssh time-out: the time to authenticate (default 120 s)
	Retries int           // ip ssh authentication-retries (default 3)
}

// SSH returns the `ip ssh` settings.
func (s *System) SSH() SSHSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SSHSettings{Version: s.sshVersion, Timeout: 120 * time.Second, Retries: 3}
	if s.sshTimeout != 0 {
		st.Timeout = time.Duration(s.sshTimeout) * time.Second
	}
	if s.sshRetries >= 0 {
		st.Retries = s.sshRetries
	}
	return st
}

// keyBits is the modulus of the key pair, 0 without one.
func (s *System) keyBitsLocked() int {
	s.ensureKeysLocked()
	if s.keys.key == nil {
		return 0
	}
	return s.keys.key.N.BitLen()
}
