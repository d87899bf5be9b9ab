package system

import (
	"strconv"
	"strings"

	"natlab/ios"
)

// ConfigLine is the line configuration mode (`line con 0`, `line vty 0 4`).
var ConfigLine = &ios.Mode{Name: "config-line", Prompt: "(config-line)#", Help: "Line configuration commands:", Parent: ios.Config}

// Help texts used by more than one command.
const (
	helpEnable     = "Modify enable password parameters"
	helpUsername   = "Establish User Name Authentication"
	helpBanner     = "Define a login banner"
	helpLine       = "Configure a terminal line"
	helpDomain     = "IP DNS Resolver"
	helpLookup     = "Enable IP Domain Name System hostname translation"
	helpDomainName = "Define the default domain name"
	helpDomainWord = "Default domain name"
	helpHTTP       = "HTTP server configuration"
	helpSSH        = "Configure ssh options"
	helpCrypto     = "Encryption module"
	helpCryptoKey  = "Long term key operations"
	helpClock      = "Manage the system clock"
	helpType0      = "Specifies an UNENCRYPTED password will follow"
	helpType5      = "Specifies a MD5 HASHED secret will follow"
	helpType8      = "Specifies a PBKDF2 HASHED secret will follow"
	helpType9      = "Specifies a SCRYPT HASHED secret will follow"
	helpType7      = "Specifies a HIDDEN password will follow"
	helpAccess     = "Filter connections based on an IP access list"
	helpAlgorithm  = "Algorithm to use for hashing the plaintext secret"
	helpMD5        = "Encode the password using the MD5 algorithm"
	helpScrypt     = "Encode the password using the SCRYPT hashing algorithm"
	helpSHA256     = "Encode the password using the PBKDF2 hashing algorithm"
)

func (s *System) install() {
	e := s.e
	e.Install(
		// Privileged EXEC secret and password.
		&ios.Command{Mode: ios.Config, Syntax: "enable secret [0|5|8|9]$type LINE",
			Help: []string{helpEnable, "Assign the privileged level secret (MAX of 25 characters)", helpType0, helpType5, helpType8, helpType9, "The UNENCRYPTED (cleartext) 'enable' secret"},
			Run:  s.setEnableSecret},
		&ios.Command{Mode: ios.Config, Syntax: "enable algorithm-type <md5|scrypt|sha256>$alg secret LINE",
			Help: []string{helpEnable, helpAlgorithm, helpMD5, helpScrypt, helpSHA256, "Assign the privileged level secret (MAX of 25 characters)", "The UNENCRYPTED (cleartext) 'enable' secret"},
			Run:  s.setEnableSecret},
		&ios.Command{Mode: ios.Config, Syntax: "no enable secret", Help: []string{ios.HelpNo, helpEnable, "Assign the privileged level secret (MAX of 25 characters)"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.enableSecret = secret{}; return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "enable password [0|7]$type LINE",
			Help: []string{helpEnable, "Assign the privileged level password (MAX of 25 characters)", helpType0, helpType7, "The UNENCRYPTED (cleartext) 'enable' password"},
			Run:  s.setEnablePassword},
		&ios.Command{Mode: ios.Config, Syntax: "no enable password", Help: []string{ios.HelpNo, helpEnable, "Assign the privileged level password (MAX of 25 characters)"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.enablePassword = password{}; return nil })},

		// Local users.
		&ios.Command{Mode: ios.Config, Syntax: "username WORD [privilege (0-15)] <secret [0|5|8|9]$stype LINE$stext|password [0|7]$ptype LINE$ptext>",
			Help: []string{helpUsername, "User name", "Set user privilege level", "User privilege level",
				"Specify the secret for the user", helpType0, helpType5, helpType8, helpType9, "The UNENCRYPTED (cleartext) user secret",
				"Specify the password for the user", helpType0, helpType7, "The UNENCRYPTED (cleartext) user password"},
			Run: s.setUser},
		&ios.Command{Mode: ios.Config, Syntax: "username WORD [privilege (0-15)] algorithm-type <md5|scrypt|sha256>$alg secret LINE$stext",
			Help: []string{helpUsername, "User name", "Set user privilege level", "User privilege level",
				helpAlgorithm, helpMD5, helpScrypt, helpSHA256, "Specify the secret for the user", "The UNENCRYPTED (cleartext) user secret"},
			Run: s.setUser},
		&ios.Command{Mode: ios.Config, Syntax: "no username WORD", Help: []string{ios.HelpNo, helpUsername, "User name"}, Run: s.locked(s.removeUser)},

		// Banners.
		&ios.Command{Mode: ios.Config, Syntax: "banner <exec|login|motd>$kind LINE",
			Help: []string{helpBanner, "Set EXEC process creation banner", "Set login banner", "Set Message of the Day banner", "c banner-text c, where 'c' is a delimiting character"},
			Run:  s.setBanner},
		&ios.Command{Mode: ios.Config, Syntax: "no banner <exec|login|motd>$kind",
			Help: []string{ios.HelpNo, helpBanner, "Set EXEC process creation banner", "Set login banner", "Set Message of the Day banner"},
			Run:  s.locked(func(c *ios.Context, a ios.Args) error { delete(s.banners, a.Str("kind")); return nil })},

		// DNS resolver, CEF, HTTP server.
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip domain lookup", Help: []string{ios.HelpConfigIP, helpDomain, helpLookup}, Run: s.setLookup},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip domain-lookup", Help: []string{ios.HelpConfigIP, helpLookup}, Run: s.setLookup},
		&ios.Command{Mode: ios.Config, Syntax: "ip domain name WORD", Help: []string{ios.HelpConfigIP, helpDomain, helpDomainName, helpDomainWord}, Run: s.setDomainName},
		&ios.Command{Mode: ios.Config, Syntax: "no ip domain name [WORD]", Help: []string{ios.HelpNo, ios.HelpConfigIP, helpDomain, helpDomainName, helpDomainWord}, Run: s.setDomainName},
		&ios.Command{Mode: ios.Config, Syntax: "ip domain-name WORD", Help: []string{ios.HelpConfigIP, helpDomainName, helpDomainWord}, Run: s.setDomainName},
		&ios.Command{Mode: ios.Config, Syntax: "no ip domain-name [WORD]", Help: []string{ios.HelpNo, ios.HelpConfigIP, helpDomainName, helpDomainWord}, Run: s.setDomainName},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip cef", Help: []string{ios.HelpConfigIP, "Cisco Express Forwarding"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.cef = !a.No(); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip http server", Help: []string{ios.HelpConfigIP, helpHTTP, "Enable HTTP server"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.httpServer = !a.No(); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip http secure-server", Help: []string{ios.HelpConfigIP, helpHTTP, "Enable HTTP secure server"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.httpSecure = !a.No(); return nil })},

		// SSH.
		&ios.Command{Mode: ios.Config, Syntax: "ip ssh version (1-2)", Help: []string{ios.HelpConfigIP, helpSSH, "Specify protocol version supported", "Protocol version"}, Run: s.setSSHVersion},
		&ios.Command{Mode: ios.Config, Syntax: "no ip ssh version [(1-2)]", Help: []string{ios.HelpNo, ios.HelpConfigIP, helpSSH, "Specify protocol version supported", "Protocol version"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.sshVersion = 0; return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "ip ssh time-out (1-120)", Help: []string{ios.HelpConfigIP, helpSSH, "Specify SSH time-out interval", "SSH time-out interval (secs)"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.sshTimeout = a.Int("(1-120)"); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "no ip ssh time-out [(1-120)]", Help: []string{ios.HelpNo, ios.HelpConfigIP, helpSSH, "Specify SSH time-out interval", "SSH time-out interval (secs)"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.sshTimeout = 0; return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "ip ssh authentication-retries (0-5)", Help: []string{ios.HelpConfigIP, helpSSH, "Specify number of authentication retries", "Number of authentication retries"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.sshRetries = a.Int("(0-5)"); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "no ip ssh authentication-retries [(0-5)]", Help: []string{ios.HelpNo, ios.HelpConfigIP, helpSSH, "Specify number of authentication retries", "Number of authentication retries"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.sshRetries = -1; return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "crypto key generate rsa [general-keys] [modulus (360-4096)$bits]",
			Help: []string{helpCrypto, helpCryptoKey, "Generate new keys", "Generate RSA keys", "Generate a general purpose RSA key pair for signing and encryption",
				"Provide number of modulus bits on the command line", "size of the key modulus in the range of 360 to 4096"},
			Run: s.generateRSA},
		&ios.Command{Mode: ios.Config, Syntax: "crypto key zeroize rsa", Help: []string{helpCrypto, helpCryptoKey, "Remove keys", "Remove RSA keys"}, Run: s.zeroizeRSA},

		// Lines.
		&ios.Command{Mode: ios.Config, Syntax: "line <console (0-0)$con|aux (0-0)$aux|vty (0-15)$first [(1-15)$last]>",
			Help: []string{helpLine, "Primary terminal line", "First Line number", "Auxiliary line", "First Line number", "Virtual terminal", "First Line number", "Last Line number"},
			Run:  s.enterLine},
	)
	s.installLineCommands()
	s.installExecCommands()
	s.installVTYCommands()
}

// locked runs a handler holding the state lock.
func (s *System) locked(h ios.Handler) ios.Handler {
	return func(c *ios.Context, a ios.Args) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		return h(c, a)
	}
}

// badSecret is IOS's answer to a "secret 5 ..." that is not a type 5 hash.
func badSecret(typ string) error {
	return ios.Errorf("ERROR: The secret you entered is not a valid encrypted secret.\n"+
		"To enter an UNENCRYPTED secret, do not specify type %s encryption.\n"+
		"When you properly enter an UNENCRYPTED secret, it will be encrypted.", typ)
}

// makeSecret turns a typed secret into what the configuration keeps: a
// hash as typed, or clear text hashed by the algorithm-type ("" or "md5":
// type 5, "sha256": type 8, "scrypt": type 9).
func (s *System) makeSecret(typ, algorithm, text string) (secret, error) {
	switch typ {
	case "5":
		if !validMD5Crypt(text) {
			return secret{}, badSecret(typ)
		}
		return secret{set: true, typ: 5, hash: text}, nil
	case "8", "9":
		n, _, _, ok := parseType89(text)
		if !ok || strconv.Itoa(n) != typ {
			return secret{}, badSecret(typ)
		}
		return secret{set: true, typ: n, hash: text}, nil
	}
	if err := s.checkLength(text); err != nil {
		return secret{}, err
	}
	switch algorithm {
	case "sha256":
		return secret{set: true, typ: 8, hash: makeType89(8, text, s.salt89())}, nil
	case "scrypt":
		return secret{set: true, typ: 9, hash: makeType89(9, text, s.salt89())}, nil
	}
	return secret{set: true, typ: 5, hash: md5Crypt(text, s.salt())}, nil
}

// checkLength applies security passwords min-length to a clear password.
func (s *System) checkLength(text string) error {
	if s.minLength > 0 && len(text) < s.minLength {
		return ios.Errorf("%% Password too short - must be at least %d characters. Password configuration failed", s.minLength)
	}
	return nil
}

// makePassword turns a typed password into what the configuration keeps.
func (s *System) makePassword(typ, text string) (password, error) {
	if typ != "7" {
		if err := s.checkLength(text); err != nil {
			return password{}, err
		}
	}
	p, ok := newPassword(typ == "7", text, s.e.PasswordEncryption())
	if !ok {
		return password{}, ios.Errorf("%% Invalid encrypted password")
	}
	return p, nil
}

// typedText is a LINE argument as typed (blanks inside kept).
func typedText(a ios.Args, name string) string { return strings.TrimSpace(a.Str(name)) }

func (s *System) setEnableSecret(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	text := typedText(a, "LINE")
	sec, err := s.makeSecret(a.Str("type"), a.Str("alg"), text)
	if err != nil {
		return err
	}
	if !a.Has("type") && s.enablePassword.set && s.enablePassword.clear == text {
		warnSameAsOther(c, "secret", "password")
	}
	s.enableSecret = sec
	return nil
}

func (s *System) setEnablePassword(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.makePassword(a.Str("type"), typedText(a, "LINE"))
	if err != nil {
		return err
	}
	if s.enableSecret.matches(p.clear) {
		warnSameAsOther(c, "password", "secret")
	}
	s.enablePassword = p
	return nil
}

// warnSameAsOther is IOS's warning when the enable secret and the enable password are the same text;
// chosen is the one being set. IOS sets it all the same.
func warnSameAsOther(c *ios.Context, chosen, other string) {
	c.Printf("The enable %s you have chosen is the same as your enable %s.\nThis is not recommended.  Re-enter the enable %s.\n\n", chosen, other, chosen)
}

func (s *System) setUser(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &user{name: a.Str("WORD"), privilege: 1}
	if a.Has("privilege") {
		u.privilege = a.Int("(0-15)")
	}
	var err error
	if a.Has("secret") {
		u.secret, err = s.makeSecret(a.Str("stype"), a.Str("alg"), typedText(a, "stext"))
	} else {
		u.password, err = s.makePassword(a.Str("ptype"), typedText(a, "ptext"))
	}
	if err != nil {
		return err
	}
	for i, old := range s.users {
		if old.name == u.name {
			s.users[i] = u
			return nil
		}
	}
	s.users = append(s.users, u)
	return nil
}

func (s *System) removeUser(c *ios.Context, a ios.Args) error {
	name := a.Str("WORD")
	for i, u := range s.users {
		if u.name == name {
			s.users = append(s.users[:i], s.users[i+1:]...)
			return nil
		}
	}
	return nil
}

// setBanner reads `banner motd #text#`, on one line or on the lines that
// follow up to the delimiter.
func (s *System) setBanner(c *ios.Context, a ios.Args) error {
	kind := a.Str("kind")
	rest := c.Line()[a.Offset("LINE"):]
	delim, text, done, _ := bannerStart(rest)
	if done {
		s.mu.Lock()
		s.banners[kind] = text
		s.mu.Unlock()
		return nil
	}
	c.Printf("Enter TEXT message.  End with the character '%s'.\n", delim)
	c.TakeLines(func(line string) bool {
		var end bool
		text, end = bannerLine(delim, text, line)
		if end {
			s.mu.Lock()
			s.banners[kind] = text
			s.mu.Unlock()
		}
		return end
	})
	return nil
}

func (s *System) setLookup(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	s.domainLookup = !a.No()
	s.mu.Unlock()
	s.e.SetDomainLookup(!a.No())
	return nil
}

func (s *System) setDomainName(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.No() {
		s.domainName = ""
		return nil
	}
	s.domainName = a.Str("WORD")
	return nil
}

// yes reads an answer to a [yes/no] question; Return (a script) is no.
func yes(answer string) bool {
	a := strings.ToLower(answer)
	return a != "" && strings.HasPrefix("yes", a)
}
