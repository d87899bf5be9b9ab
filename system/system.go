package system

import (
	"crypto/rsa"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"time"

	"natlab/ios"
)

// System is the state of the commands this package owns on one router.
type System struct {
	e *ios.Engine

	mu             sync.Mutex
	enableSecret   secret
	enablePassword password
	users          []*user // in the order they were configured
	domainLookup   bool
	domainName     string
	cef            bool
	httpServer     bool
	httpSecure     bool
	sshVersion     int // 0 = default (1.99)
	sshTimeout     int // 0 = default (120 s)
	sshRetries     int // -1 = default (3)
	banners        map[string]string
	con, aux       lineConf
	vty            []*lineConf // nil: the line does not exist
	clockOffset    time.Duration
	clockWasSet    bool
	arp            func() []ARPEntry
	salt           func() string
	rt             vtyRuntime // the vty sessions
	guard          loginGuard // login block-for and login logging
	keys           keyStore   // the RSA key pair
	minLength      int        // security passwords min-length; 0 = none
	genKey         func(bits int) (*rsa.PrivateKey, error)
	salt89         func() string
	reloader       Reloader // the device's side of reload; zero: reload is refused
}

// user is one `username` entry.
type user struct {
	name      string
	privilege int // 1 unless set
	secret    secret
	password  password
}

// ARPEntry is one row of show ip arp: an address of the router, or a
// neighbour an Ethernet interface learned.
type ARPEntry struct {
	Addr      netip.Addr
	AgeMin    int    // -1 for the router's own address ("-")
	MAC       string // "aabb.cc00.0100", or "Incomplete"
	Interface string
}

// bannerKinds are the banners, in the order IOS renders them.
var bannerKinds = []string{"exec", "login", "motd"}

// Register installs the commands on e, sets e.EnableCheck and adds the
// running-config sections. It also turns the engine's domain lookup on, the
// IOS default, and wraps e.Clock so `clock set` moves the syslog time too:
// call it after setting e.Clock.
func Register(e *ios.Engine) *System {
	s := &System{
		e: e, domainLookup: true, cef: true, sshRetries: -1,
		banners: map[string]string{}, con: defaultLine(lineCon), aux: defaultLine(lineAux),
		salt: randomSalt, genKey: generateKey, salt89: randomSalt89,
	}
	for i := 0; i < defaultVtys; i++ {
		c := defaultLine(lineVty)
		s.vty = append(s.vty, &c)
	}
	for len(s.vty) < maxVtys {
		s.vty = append(s.vty, nil)
	}
	e.SetDomainLookup(true)
	base := e.Clock
	e.Clock = func() time.Time { return base().Add(s.offset()) }
	e.EnableCheck = s.enableCheck
	s.install()
	s.installPlatformShows()
	e.AddConfigSection(ios.OrderLogging+50, s.renderEnable)
	e.AddConfigSection(ios.OrderIPGlobal, s.renderIPGlobal)
	e.AddConfigSection(ios.OrderInspect+20, s.renderLogin) // after ip inspect, as IOS 15
	e.AddConfigSection(ios.OrderUsers, s.renderUsers)
	e.AddConfigSection(ios.OrderSSH, s.renderSSH)
	e.AddConfigSection(ios.OrderHTTP, s.renderHTTP)
	e.AddConfigSection(ios.OrderBanner, s.renderBanners)
	e.AddConfigSection(ios.OrderLines, s.renderLines)
	return s
}

// SetSalt replaces the random salt of new type 5 secrets (tests want
// stable hashes).
func (s *System) SetSalt(f func() string) {
	s.mu.Lock()
	s.salt = f
	s.mu.Unlock()
}

// SetARPSource gives show ip arp the router's own addresses.
func (s *System) SetARPSource(f func() []ARPEntry) {
	s.mu.Lock()
	s.arp = f
	s.mu.Unlock()
}

// Banner returns a banner's text ("motd", "login", "exec") and whether it
// is set, for a terminal to print at connection time.
func (s *System) Banner(kind string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.banners[kind]
	return t, ok
}

// DomainName is the `ip domain name`, "" if none.
func (s *System) DomainName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.domainName
}

// CheckEnable reports whether pw opens privileged EXEC: the enable secret
// if there is one, else the enable password; true when neither is set.
func (s *System) CheckEnable(pw string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkEnableLocked(pw)
}

func (s *System) checkEnableLocked(pw string) bool {
	switch {
	case s.enableSecret.set:
		return s.enableSecret.matches(pw)
	case s.enablePassword.set:
		return s.enablePassword.clear == pw
	}
	return true
}

// enableCheck asks for the enable secret as IOS does on the console: three
// tries, then "% Bad secrets".
func (s *System) enableCheck(c *ios.Context) error {
	s.mu.Lock()
	secretSet, passwordSet := s.enableSecret.set, s.enablePassword.set
	s.mu.Unlock()
	if !secretSet && !passwordSet {
		return nil // the console enters privileged EXEC without a password
	}
	for try := 0; try < 3; try++ {
		if s.CheckEnable(c.AskSecret("Password: ")) {
			return nil
		}
	}
	if secretSet {
		return ios.Errorf("%% Bad secrets\n\n")
	}
	return ios.Errorf("%% Bad passwords\n\n")
}

func (s *System) offset() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clockOffset
}

// encryptAll applies service password-encryption to every password; IOS
// does not decrypt them again after `no service password-encryption`.
func (s *System) encryptAll() {
	if !s.e.PasswordEncryption() {
		return
	}
	s.enablePassword.encrypt()
	for _, u := range s.users {
		u.password.encrypt()
	}
	s.con.password.encrypt()
	s.aux.password.encrypt()
	for _, v := range s.vty {
		if v != nil {
			v.password.encrypt()
		}
	}
}

func (s *System) renderEnable(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.encryptAll()
	if s.minLength > 0 {
		fmt.Fprintf(w, "security passwords min-length %d\n", s.minLength)
	}
	if s.enableSecret.set {
		fmt.Fprintf(w, "enable secret %d %s\n", s.enableSecret.typ, s.enableSecret.hash)
	}
	if s.enablePassword.set {
		fmt.Fprintf(w, "enable password %s\n", s.enablePassword.render(false))
	}
}

func (s *System) renderIPGlobal(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("!\n")
	if !s.domainLookup {
		b.WriteString("no ip domain lookup\n")
	}
	if s.domainName != "" {
		b.WriteString("ip domain name " + s.domainName + "\n")
	}
	if s.cef {
		b.WriteString("ip cef\n")
	} else {
		b.WriteString("no ip cef\n")
	}
	io.WriteString(w, b.String())
}

// renderLogin writes login block-for and the login logging switches.
func (s *System) renderLogin(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	s.guard.render(&b)
	io.WriteString(w, b.String())
}

func (s *System) renderUsers(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.encryptAll()
	if len(s.users) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("!\n")
	for _, u := range s.users {
		b.WriteString("username " + u.name)
		if u.privilege != 1 {
			fmt.Fprintf(&b, " privilege %d", u.privilege)
		}
		if u.secret.set {
			fmt.Fprintf(&b, " secret %d %s\n", u.secret.typ, u.secret.hash)
		} else {
			b.WriteString(" password " + u.password.render(true) + "\n")
		}
	}
	io.WriteString(w, b.String())
}

func (s *System) renderSSH(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	if s.sshTimeout != 0 {
		fmt.Fprintf(&b, "ip ssh time-out %d\n", s.sshTimeout)
	}
	if s.sshRetries >= 0 {
		fmt.Fprintf(&b, "ip ssh authentication-retries %d\n", s.sshRetries)
	}
	if s.sshVersion != 0 {
		fmt.Fprintf(&b, "ip ssh version %d\n", s.sshVersion)
	}
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String()+"!\n!\n")
	}
}

func (s *System) renderHTTP(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	on := func(b bool) string {
		if b {
			return ""
		}
		return "no "
	}
	fmt.Fprintf(w, "!\n%sip http server\n%sip http secure-server\n", on(s.httpServer), on(s.httpSecure))
}

func (s *System) renderBanners(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, k := range bannerKinds {
		if t, ok := s.banners[k]; ok {
			b.WriteString(renderBanner(k, t))
		}
	}
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String()+"!\n!\n")
	}
}

// renderLines writes line con 0, line aux 0 and the vty lines; equal
// neighbouring vty lines share a block, but 0-4 and 5-15 never do (IOS
// keeps the lines it was born with apart from those added later).
func (s *System) renderLines(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.encryptAll()
	var b strings.Builder
	b.WriteString("!\nline con 0\n")
	s.con.render(&b, lineCon)
	b.WriteString("line aux 0\n")
	s.aux.render(&b, lineAux)
	for i := 0; i < len(s.vty); {
		if s.vty[i] == nil {
			i++
			continue
		}
		j := i
		for j+1 < len(s.vty) && s.vty[j+1] != nil && *s.vty[j+1] == *s.vty[i] && j+1 != defaultVtys {
			j++
		}
		if i == j {
			fmt.Fprintf(&b, "line vty %d\n", i)
		} else {
			fmt.Fprintf(&b, "line vty %d %d\n", i, j)
		}
		s.vty[i].render(&b, lineVty)
		i = j + 1
	}
	io.WriteString(w, b.String())
}
