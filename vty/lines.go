package vty

import (
	"crypto/rsa"
	"net"
	"net/netip"
	"time"

	"natlab/console"
	"natlab/ios"
	"natlab/system"
)

// The request, login modes and SSH settings are package system's, which
// owns the vty lines; these names keep the server's interfaces short.
type (
	Request     = system.VTYRequest
	LoginMode   = system.LoginMode
	SSHSettings = system.SSHSettings
	SSHInfo     = system.SSHConnInfo
)

// Login modes of a line (`no login`, `login`, `login local`).
const (
	LoginNone  = system.LoginNone
	LoginLine  = system.LoginLine
	LoginLocal = system.LoginLocal
)

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
