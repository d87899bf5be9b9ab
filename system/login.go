package system

import "io"

// Terminal is what a login dialogue needs from a connection: output, and
// questions answered with or without echo (an error: the user left).
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
	s.mu.Unlock()
	mode := con.login
	if mode == LoginLine && !con.password.set {
		mode = LoginNone // IOS: "Login disabled on line 0, until 'password' is set"
	}
	return s.dialogue(t, mode, func(name, pw string) bool {
		if mode == LoginLine {
			return pw == con.password.clear
		}
		return s.userMatches(name, pw)
	})
}

// Terminal runs the telnet login dialogue of the vty line, as ConsoleLogin
// does for the console, through Authenticate (which logs and counts
// failures). A line with `login` and no password refuses everyone with
// IOS's "Password required, but none set": the session must then close.
// After a `login local` login the user is recorded (SetUser).
func (v *VTY) Terminal(t Terminal) (user string, ok bool) {
	if v.conf.login == LoginLine && !v.conf.password.set {
		if motd, has := v.s.Banner("motd"); has {
			io.WriteString(t, motd+"\n")
		}
		io.WriteString(t, "\nPassword required, but none set\n")
		return "", false
	}
	user, ok = v.s.dialogue(t, v.conf.login, v.Authenticate)
	if ok && user != "" {
		v.SetUser(user)
	}
	return user, ok
}

// dialogue prints the banners and asks what mode needs, three tries.
func (s *System) dialogue(t Terminal, mode LoginMode, check func(user, pw string) bool) (user string, ok bool) {
	s.mu.Lock()
	motd, hasMotd := s.banners["motd"]
	login, hasLogin := s.banners["login"]
	exec, hasExec := s.banners["exec"]
	s.mu.Unlock()
	if hasMotd {
		io.WriteString(t, motd+"\n")
	}
	if mode != LoginNone {
		if hasLogin {
			io.WriteString(t, login+"\n")
		}
		io.WriteString(t, "\nUser Access Verification\n\n")
	}
	switch mode {
	case LoginLine:
		for try := 0; try < 3 && !ok; try++ {
			pw, err := t.Ask("Password: ", false)
			if err != nil {
				return "", false
			}
			ok = check("", pw)
		}
		if !ok {
			io.WriteString(t, "% Bad passwords\n\n")
			return "", false
		}
	case LoginLocal:
		for try := 0; try < 3 && !ok; try++ {
			name, err := t.Ask("Username: ", true)
			if err != nil {
				return "", false
			}
			pw, err := t.Ask("Password: ", false)
			if err != nil {
				return "", false
			}
			if ok = check(name, pw); ok {
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

// lookupUser copies a username's entry: checking a type 8 or 9 secret
// takes tens of milliseconds, which must not hold the lock.
func (s *System) lookupUser(name string) (user, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.name == name {
			return *u, true
		}
	}
	return user{}, false
}

// check reports whether pw opens the user's secret or password.
func (u user) check(pw string) bool {
	if u.secret.set {
		return u.secret.matches(pw)
	}
	return u.password.set && u.password.clear == pw
}

// userMatches checks a username and its secret or password.
func (s *System) userMatches(name, pw string) bool {
	u, ok := s.lookupUser(name)
	return ok && u.check(pw)
}
