package system

import "io"

// Terminal is what ConsoleLogin needs from a console connection: output,
// and questions answered with or without echo (an error: the user left).
type Terminal interface {
	io.Writer
	Ask(prompt string, echo bool) (string, error)
}

// ConsoleLogin runs what IOS shows when someone presses Return on the
// console, as on IOS: the motd and login banners, then, as `line con
// 0` says, nothing, the line password (`login`) or a username and its
// secret (`login local`), three tries; then the exec banner. It reports
// whether the session may start, and the user name for `login local`. A
// console terminal calls it before its first prompt.
func (s *System) ConsoleLogin(t Terminal) (user string, ok bool) {
	s.mu.Lock()
	con := s.con
	motd, hasMotd := s.banners["motd"]
	login, hasLogin := s.banners["login"]
	exec, hasExec := s.banners["exec"]
	s.mu.Unlock()
	if hasMotd {
		io.WriteString(t, motd+"\n")
	}
	mode := con.login
	if mode == loginLine && !con.password.set {
		mode = loginNone // IOS: "Login disabled on line 0, until 'password' is set"
	}
	if mode != loginNone {
		if hasLogin {
			io.WriteString(t, login+"\n")
		}
		io.WriteString(t, "\nUser Access Verification\n\n")
	}
	switch mode {
	case loginLine:
		ok = false
		for try := 0; try < 3 && !ok; try++ {
			pw, err := t.Ask("Password: ", false)
			if err != nil {
				return "", false
			}
			ok = pw == con.password.clear
		}
		if !ok {
			io.WriteString(t, "% Bad passwords\n\n")
			return "", false
		}
	case loginLocal:
		for try := 0; try < 3 && !ok; try++ {
			name, err := t.Ask("Username: ", true)
			if err != nil {
				return "", false
			}
			pw, err := t.Ask("Password: ", false)
			if err != nil {
				return "", false
			}
			if ok = s.userMatches(name, pw); ok {
				user = name
			} else {
				io.WriteString(t, "% Login invalid\n\n")
			}
		}
		if !ok {
			return "", false
		}
	}
	if hasExec {
		io.WriteString(t, exec+"\n")
	}
	return user, true
}

// userMatches checks a username and its secret or password.
func (s *System) userMatches(name, pw string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.name != name {
			continue
		}
		if u.secret.set {
			return u.secret.matches(pw)
		}
		return u.password.set && u.password.clear == pw
	}
	return false
}
