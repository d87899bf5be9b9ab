package system

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"natlab/ios"
)

// sshV2Warning is what IOS says when SSH version 2 cannot run yet.
const sshV2Warning = "Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2).\n"

func (s *System) setSSHVersion(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sshVersion = a.Int("(1-2)")
	if s.sshVersion == 2 && s.keyBitsLocked() < 768 {
		c.Printf(sshV2Warning)
	}
	return nil
}

// sshVersionText is the version %SSH-5-ENABLED and show ip ssh name.
func (s *System) sshVersionText() string {
	switch s.sshVersion {
	case 2:
		return "2.0"
	case 1:
		return "1.5"
	}
	return "1.99"
}

// generateRSA is `crypto key generate rsa`: it makes the key pair and
// keeps it beside the startup-config at once, as IOS keeps it in NVRAM.
func (s *System) generateRSA(c *ios.Context, a ios.Args) error {
	host := s.e.Hostname()
	if host == "Router" {
		return ios.Errorf("%% Please define a hostname other than Router.")
	}
	s.mu.Lock()
	domain := s.domainName
	s.ensureKeysLocked()
	existing, oldName := s.keys.key != nil, s.keys.name
	s.mu.Unlock()
	if domain == "" {
		return ios.Errorf("%% Please define a domain-name first.")
	}
	if existing {
		c.Printf("%% You already have RSA keys defined named %s.\n", oldName)
		if !yes(c.Ask("% Do you really want to replace them? [yes/no]: ")) {
			return nil
		}
	}
	name := host + "." + domain
	c.Printf("The name for the keys will be: %s\n", name)
	bits := 512
	if a.Has("bits") {
		bits = a.Int("bits")
		c.Printf("\n%% The key modulus size is %d bits\n", bits)
	} else {
		c.Printf("Choose the size of the key modulus in the range of 360 to 4096 for your\n" +
			"  General Purpose Keys. Choosing a key modulus greater than 512 may take\n" +
			"  a few minutes.\n\n")
		answer := c.Ask("How many bits in the modulus [512]: ")
		if answer != "" {
			n, err := strconv.Atoi(answer)
			if err != nil || n < 360 || n > 4096 {
				return ios.Errorf("%% Invalid modulus size; the range is 360 to 4096")
			}
			bits = n
		}
	}
	c.Printf("%% Generating %d bit RSA keys, keys will be non-exportable...\n", bits)
	start := time.Now()
	key, err := s.genKey(bits)
	if err != nil {
		return ios.Errorf("%% Key generation failed: %v", err)
	}
	c.Printf("[OK] (elapsed time was %d seconds)\n", int(time.Since(start).Seconds()))
	if a.Has("bits") {
		c.Printf("\n")
	}
	now := s.e.Clock()
	s.mu.Lock()
	s.ensureKeysLocked()
	s.keys.key, s.keys.name, s.keys.created = key, name, now
	err = s.saveKeysLocked()
	version := s.sshVersionText()
	s.mu.Unlock()
	if err != nil {
		c.Printf("%% Could not save the keys in NVRAM: %v\n", err)
	}
	s.e.Log("%SSH-5-ENABLED: SSH " + version + " has been enabled")
	return nil
}

func (s *System) zeroizeRSA(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	s.ensureKeysLocked()
	had := s.keys.key != nil
	s.mu.Unlock()
	if !had {
		return ios.Errorf("%% No Signature RSA Keys found in configuration.")
	}
	c.Printf("%% All keys will be removed.\n%% All router certs issued using these keys will also be removed.\n")
	if !yes(c.Ask("Do you really want to remove these keys? [yes/no]: ")) {
		return nil
	}
	s.mu.Lock()
	s.keys.key, s.keys.name = nil, ""
	err := s.saveKeysLocked()
	version := s.sshVersionText()
	s.mu.Unlock()
	if err != nil {
		c.Printf("%% Could not remove the keys from NVRAM: %v\n", err)
	}
	s.e.Log("%SSH-5-DISABLED: SSH " + version + " has been disabled")
	return nil
}

// showMyPubkey is show crypto key mypubkey rsa: the key pair's public
// half as DER in hex, eight groups of eight digits a line.
func (s *System) showMyPubkey(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	s.ensureKeysLocked()
	k := s.keys
	s.mu.Unlock()
	if k.key == nil {
		return nil
	}
	der, err := x509.MarshalPKIXPublicKey(&k.key.PublicKey)
	if err != nil {
		return ios.Errorf("%% %v", err)
	}
	c.Printf("%% Key pair was generated at: %s\n", k.created.UTC().Format("15:04:05 MST Jan 2 2006"))
	c.Printf("Key name: %s\nKey type: RSA KEYS\n Storage Device: private-config\n Usage: General Purpose Key\n Key is not exportable. Redundancy enabled.\n Key Data:\n", k.name)
	hex := fmt.Sprintf("%X", der)
	var groups []string
	for i := 0; i < len(hex); i += 8 {
		groups = append(groups, hex[i:min(i+8, len(hex))])
	}
	for i := 0; i < len(groups); i += 8 {
		c.Printf("  %s\n", strings.Join(groups[i:min(i+8, len(groups))], " "))
	}
	return nil
}

// sshPublicKey is the key in SECSH (RFC 4253) form, "ssh-rsa AAAA...".
func sshPublicKey(k *rsa.PublicKey) string {
	var b []byte
	put := func(p []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	mpint := func(n *big.Int) []byte {
		p := n.Bytes()
		if len(p) > 0 && p[0]&0x80 != 0 {
			p = append([]byte{0}, p...)
		}
		return p
	}
	put([]byte("ssh-rsa"))
	put(mpint(big.NewInt(int64(k.E))))
	put(mpint(k.N))
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(b)
}

// showIPSSH is show ip ssh as IOS 15 prints it.
func (s *System) showIPSSH(c *ios.Context, a ios.Args) error {
	st := s.SSH()
	s.mu.Lock()
	s.ensureKeysLocked()
	k := s.keys
	version := s.sshVersionText()
	s.mu.Unlock()
	if k.key == nil {
		c.Printf("SSH Disabled - version %s\n%%%s", version, sshV2Warning)
	} else {
		c.Printf("SSH Enabled - version %s\n", version)
	}
	c.Printf("Authentication methods:publickey,keyboard-interactive,password\n" +
		"Authentication Publickey Algorithms:x509v3-ssh-rsa,ssh-rsa\n" +
		"Hostkey Algorithms:x509v3-ssh-rsa,ssh-rsa\n" +
		"Encryption Algorithms:aes128-ctr,aes192-ctr,aes256-ctr\n" +
		"MAC Algorithms:hmac-sha2-256,hmac-sha1,hmac-sha1-96\n")
	c.Printf("Authentication timeout: %d secs; Authentication retries: %d\n", int(st.Timeout.Seconds()), st.Retries)
	c.Printf("Minimum expected Diffie Hellman key size : 1024 bits\n")
	if k.key == nil {
		c.Printf("IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE\n")
		return nil
	}
	c.Printf("IOS Keys in SECSH format(ssh-rsa, base64 encoded): %s\n%s\n", k.name, sshPublicKey(&k.key.PublicKey))
	return nil
}

// showSSH is show ssh: the SSH sessions, one line each way.
func (s *System) showSSH(c *ios.Context, a ios.Args) error {
	type row struct {
		n                        int
		version, enc, hmac, user string
	}
	var rows []row
	s.mu.Lock()
	for i, v := range s.rt.lines {
		if v != nil && v.req.Transport == "ssh" {
			rows = append(rows, row{i, v.ssh.Version, v.ssh.Encryption, v.ssh.HMAC, v.user})
		}
	}
	s.mu.Unlock()
	if len(rows) == 0 {
		c.Printf("%%No SSHv2 server connections running.\n")
	} else {
		c.Printf("Connection Version Mode Encryption  Hmac         State                 Username\n")
		for _, r := range rows {
			for _, mode := range []string{"IN", "OUT"} {
				c.Printf("%-10d %-7s %-4s %-11s %-12s %-21s %s\n", r.n, dash(r.version), mode, dash(r.enc), dash(r.hmac), "Session started", r.user)
			}
		}
	}
	c.Printf("%%No SSHv1 server connections running.\n")
	return nil
}

// dash stands in for a value nobody reported.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
