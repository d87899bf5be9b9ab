package vty

import (
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"natlab/console"
	"natlab/ios"
)

// Server version strings: IOS announces 1.99 (versions 1 and 2) until `ip ssh version 2`.
const (
	version199 = "SSH-1.99-Cisco-1.25"
	version2   = "SSH-2.0-Cisco-1.25"
)

var errAuth = errors.New("vty: authentication failed")

// ServeSSH accepts SSH clients on ln until ln is closed (then it returns nil). Without a host key
// (no `crypto key generate rsa`) a connection is closed at once, as IOS has no SSH server then.
// Each connection takes a vty line, authenticates by password or keyboard-interactive against it
// within `ip ssh time-out` and `ip ssh authentication-retries`, and serves one "session" channel:
// a shell (with the console's line editor; a pty's size is the terminal length, window-change
// resizes) or one exec command.
func (s *Server) ServeSSH(ln net.Listener) error { return serve(ln, s.serveSSH) }

func (s *Server) serveSSH(c net.Conn) {
	defer c.Close()
	key := s.lines.SSHHostKey()
	if key == nil || s.lines.SSH().Version == 1 {
		return // no SSH server; an SSH-1-only server would refuse every SSH-2 client too
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return
	}
	req := request("ssh", c)
	line, err := s.lines.OpenVTY(req)
	if err != nil {
		// Nothing reaches an SSH client before the key exchange; the connection just closes.
		return
	}
	defer line.Close()
	set := s.lines.SSH()
	cfg := serverConfig(line, set)
	cfg.AddHostKey(signer)
	if banner := preAuthBanner(s.lines); banner != "" {
		cfg.BannerCallback = func(ssh.ConnMetadata) string { return banner }
	}
	timeout := set.Timeout
	if timeout <= 0 {
		timeout = defaultSSHTimeout
	}
	c.SetDeadline(time.Now().Add(timeout))
	sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	if line.Login() != LoginNone {
		line.SetUser(sc.User())
	}
	if a, ok := sc.Conn.(ssh.AlgorithmsConnMetadata); ok {
		algs := a.Algorithms()
		line.SetSSH(SSHInfo{Version: "2.0", Encryption: algs.Read.Cipher, HMAC: algs.Read.MAC})
	}
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-line.Killed():
			sc.Close()
		case <-ended:
		}
	}()
	sess := &sshSession{srv: s, line: line}
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		if sess.taken {
			nc.Reject(ssh.ResourceShortage, "one session per connection")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			return
		}
		sess.taken = true
		go func() {
			sess.serve(ch, chReqs)
			sc.Close()
		}()
	}
}

// serverConfig authenticates against the line: its password or users (login local), any client
// when the line has no login.
func serverConfig(line Line, set SSHSettings) *ssh.ServerConfig {
	// authentication-retries 0 still allows the one try.
	retries := max(set.Retries, 1)
	cfg := &ssh.ServerConfig{
		MaxAuthTries:  retries,
		ServerVersion: version199,
		NoClientAuth:  true,
		NoClientAuthCallback: func(ssh.ConnMetadata) (*ssh.Permissions, error) {
			if line.Login() == LoginNone {
				return nil, nil
			}
			return nil, errAuth
		},
		PasswordCallback: func(m ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if line.Login() == LoginNone || line.Authenticate(m.User(), string(pw)) {
				return nil, nil
			}
			return nil, errAuth
		},
		KeyboardInteractiveCallback: func(m ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			if line.Login() == LoginNone {
				return nil, nil
			}
			ans, err := ask("", "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(ans) == 1 && line.Authenticate(m.User(), ans[0]) {
				return nil, nil
			}
			return nil, errAuth
		},
	}
	if set.Version == 2 {
		cfg.ServerVersion = version2
	}
	return cfg
}

// bannerLines are lines that have banners (package system's do; test fakes need not).
type bannerLines interface {
	Banner(kind string) (string, bool)
}

// preAuthBanner is what IOS shows an SSH client before it authenticates: the motd and login
// banners, as a telnet client sees them before its Username: prompt.
func preAuthBanner(l Lines) string {
	b, ok := l.(bannerLines)
	if !ok {
		return ""
	}
	var out string
	for _, kind := range []string{"motd", "login"} {
		if text, ok := b.Banner(kind); ok {
			out += text + "\r\n"
		}
	}
	return out
}

// sshSession is the one session channel of an SSH connection.
type sshSession struct {
	srv   *Server
	line  Line
	taken bool

	pty    bool
	rows   int
	cols   int
	resize chan [2]int
}

// serve answers the channel's requests until the client closes it; a shell or exec runs in its own
// goroutine and closes the channel when it ends.
func (ss *sshSession) serve(ch ssh.Channel, reqs <-chan *ssh.Request) {
	ss.resize = make(chan [2]int, 1)
	done := make(chan struct{})
	started := false
	for r := range reqs {
		ok := false
		switch r.Type {
		case "pty-req":
			if p, good := parsePty(r.Payload); good && !started {
				ss.pty, ss.rows, ss.cols, ok = true, p.rows, p.cols, true
			}
		case "window-change":
			if rows, cols, good := parseWindow(r.Payload); good {
				select {
				case <-ss.resize:
				default:
				}
				ss.resize <- [2]int{rows, cols}
				ok = true
			}
		case "env":
			ok = true // accepted and ignored, so LANG=... does not fail a client
		case "shell", "exec":
			if started {
				break
			}
			var cmd string
			if r.Type == "exec" {
				var p struct{ Command string }
				if ssh.Unmarshal(r.Payload, &p) != nil {
					break
				}
				cmd = p.Command
			}
			started, ok = true, true
			go func() {
				defer close(done)
				status := 0
				if r.Type == "shell" {
					ss.shell(ch)
				} else if !ss.exec(ch, cmd) {
					status = 1
				}
				ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
				ch.Close()
			}()
		}
		if r.WantReply {
			r.Reply(ok, nil)
		}
	}
	ch.Close()
	if started {
		<-done
	}
}

// shell runs the line editor on the channel until the session ends.
func (ss *sshSession) shell(ch ssh.Channel) {
	console.ServeTerminal(ch, ss.srv.e, nil, console.TerminalOptions{
		Rows:   ss.rows,
		Cols:   ss.cols,
		Resize: ss.resize,
		Idle:   ss.line.ExecTimeout(),
		Done:   ss.line.Killed(),
		Input:  ss.line.Activity,
		Session: func(s *ios.Session) {
			prepare(s, ss.line)
			if !ss.pty {
				s.SetTerminalLength(0) // a program on the other end; nobody answers --More--
			}
		},
	})
}

// exec runs one command line, as `ssh R1 'show version'`; it reports whether it ran without error.
func (ss *sshSession) exec(ch ssh.Channel, cmd string) bool {
	var w io.Writer = ch
	if ss.pty {
		w = crlfWriter{ch}
	}
	s := ss.srv.e.NewSession(w)
	defer s.Close()
	prepare(s, ss.line)
	s.SetTerminalLength(0)
	return s.Execute(cmd)
}

// crlfWriter turns newlines into CR LF for a client's pty.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	s := strings.ReplaceAll(strings.ReplaceAll(string(p), "\r\n", "\n"), "\n", "\r\n")
	if _, err := io.WriteString(c.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

type ptyReq struct{ rows, cols int }

// parsePty reads RFC 4254 6.2's pty-req: TERM, width and height in characters and pixels, modes.
func parsePty(payload []byte) (ptyReq, bool) {
	var p struct {
		Term                 string
		Cols, Rows, Wpx, Hpx uint32
		Modes                string
	}
	if ssh.Unmarshal(payload, &p) != nil {
		return ptyReq{}, false
	}
	return ptyReq{rows: clampSize(p.Rows), cols: clampSize(p.Cols)}, true
}

// parseWindow reads RFC 4254 6.7's window-change.
func parseWindow(payload []byte) (rows, cols int, ok bool) {
	var p struct{ Cols, Rows, Wpx, Hpx uint32 }
	if ssh.Unmarshal(payload, &p) != nil {
		return 0, 0, false
	}
	return clampSize(p.Rows), clampSize(p.Cols), true
}

// clampSize keeps a window dimension within what `terminal length` accepts (0-512).
func clampSize(n uint32) int { return int(min(n, 512)) }
