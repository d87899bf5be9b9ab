package vty

import (
	"crypto/rsa"
	"net"
	"net/netip"
	"time"

	"natlab/console"
	"natlab/ios"
)

// Request asks for a vty line for one incoming connection.
type Request struct {
	Transport string         // "ssh" or "telnet"
	Source    netip.AddrPort // the client
	Local     netip.AddrPort // the router address and port it connected to
}

// LoginMode is what a line asks before the session starts.
type LoginMode int

// Login modes of a line (`no login`, `login`, `login local`).
const (
	LoginNone LoginMode = iota
	LoginLine
	LoginLocal
)

// SSHSettings are the `ip ssh` settings.
type SSHSettings struct {
	Version int           // 0 = 1.99 (both; only 2 is served), 2
	Timeout time.Duration // ip ssh time-out: the time to authenticate; 0 = IOS's 120 s
	Retries int           // ip ssh authentication-retries (0-5); 0 still allows one try
}

// Lines is the router's vty lines and SSH settings (package system's).
type Lines interface {
	// OpenVTY takes a free line that admits the request; the error text is what the client sees.
	OpenVTY(Request) (Line, error)
	// SSHHostKey is the router's RSA key; nil until `crypto key generate rsa`.
	SSHHostKey() *rsa.PrivateKey
	SSH() SSHSettings
}

// Line is one vty line taken by a connection.
type Line interface {
	Number() int
	Login() LoginMode
	// Authenticate checks the line password (login) or a user's secret (login local).
	Authenticate(user, password string) bool
	// Terminal runs the telnet login dialogue (banners, User Access Verification, the prompts).
	Terminal(t console.Terminal) (user string, ok bool)
	Privilege() int
	ExecTimeout() time.Duration // 0 = never
	SetUser(user string)
	// SetSession ties the running IOS session to the line (show users marks its own line).
	SetSession(s *ios.Session)
	// SetSSH records an SSH connection's algorithms for show ssh.
	SetSSH(info SSHInfo)
	// Activity marks input from the user (show users' idle time).
	Activity()
	// Origin names the session in %SYS-5-CONFIG_I: "admin on vty0 (192.168.1.10)".
	Origin() string
	Killed() <-chan struct{} // closed by clear line
	Close()
}

// SSHInfo is what show ssh lists for an SSH session.
type SSHInfo struct {
	Version    string // "2.0"
	Encryption string // "aes128-ctr"
	HMAC       string // "hmac-sha2-256"; empty with an AEAD cipher
}

// defaultSSHTimeout is IOS's `ip ssh time-out`.
const defaultSSHTimeout = 120 * time.Second

// request builds the Request of connection c.
func request(transport string, c net.Conn) Request {
	return Request{Transport: transport, Source: addrPort(c.RemoteAddr()), Local: addrPort(c.LocalAddr())}
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	if a == nil {
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// prepare sets a new vty session up as IOS starts one: at the line's privilege level, without
// syslog output until `terminal monitor`, naming its origin in configuration messages.
func prepare(s *ios.Session, l Line) {
	if l.Privilege() >= 15 {
		s.SetMode(ios.Exec)
	} else {
		s.SetMode(ios.UserExec)
	}
	s.SetLogging(false)
	s.SetConfiguredBy(l.Origin())
	l.SetSession(s)
}
