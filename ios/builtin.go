package ios

import "strings"

// installBuiltins installs the commands the engine owns.
func (e *Engine) installBuiltins() {
	e.installUndebugAll()
	e.Install(
		&Command{Mode: Exec, User: true, Syntax: "enable [(0-15)$level]", Help: []string{"Turn on privileged commands", "Enable level"}, Run: func(c *Context, a Args) error {
			if a.Has("level") && a.Int("level") < 15 {
				return enableBelow15(c, a.Int("level"))
			}
			if c.sess.Mode() != UserExec {
				return nil
			}
			if check := c.eng.EnableCheck; check != nil {
				if err := check(c); err != nil {
					return err
				}
			}
			c.sess.SetMode(Exec)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "disable", Help: []string{"Turn off privileged commands"}, Run: func(c *Context, a Args) error {
			c.sess.SetMode(UserExec)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "exit", Help: []string{"Exit from the EXEC"}, Run: logout},
		&Command{Mode: Exec, User: true, Syntax: "logout", Help: []string{"Exit from the EXEC"}, Run: logout},
		&Command{Mode: Exec, Syntax: "configure [terminal]", Help: []string{"Enter configuration mode", "Configure from the terminal"}, Run: configure},
		&Command{Mode: Exec, User: true, Syntax: "terminal length (0-512)", Help: []string{"Set terminal line parameters", "Set number of lines on a screen", "Number of lines on screen (0 for no pausing)"}, Run: func(c *Context, a Args) error {
			c.sess.length = a.Int("(0-512)")
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal no length", Help: []string{"Set terminal line parameters", HelpNo, "Set number of lines on a screen"}, Run: func(c *Context, a Args) error {
			c.sess.length = DefaultTerminalLength
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal width (0-512)", Help: []string{"Set terminal line parameters", "Set width of the display terminal", "Number of characters on a screen"}, Run: func(c *Context, a Args) error {
			c.sess.width = a.Int("(0-512)")
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal no width", Help: []string{"Set terminal line parameters", HelpNo, "Set width of the display terminal"}, Run: func(c *Context, a Args) error {
			c.sess.width = 80
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal monitor", Help: []string{"Set terminal line parameters", "Copy debug output to the current terminal line"}, Run: func(c *Context, a Args) error {
			c.sess.logging.Store(true)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal no monitor", Help: []string{"Set terminal line parameters", HelpNo, "Copy debug output to the current terminal line"}, Run: func(c *Context, a Args) error {
			c.sess.logging.Store(false)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "show history", Help: []string{HelpShow, "Display the session command history"}, Run: func(c *Context, a Args) error {
			for _, h := range c.sess.History() {
				c.Printf("  %s\n", h)
			}
			return nil
		}},
		&Command{Mode: Exec, Syntax: "show running-config", Help: []string{HelpShow, "Current operating configuration"}, Run: showRunning},
		&Command{Mode: Exec, Syntax: "show running-config interface IFNAME", Help: []string{HelpShow, "Current operating configuration", "Show interface configuration", "Interface name"}, Run: showRunningInterface},
		&Command{Mode: Exec, Syntax: "write terminal", Help: []string{"Write running configuration to memory, network, or terminal", "Write to terminal"}, Run: showRunning},
		&Command{Mode: Exec, Syntax: "show startup-config", Help: []string{HelpShow, "Contents of startup configuration"}, Run: showStartup},
		&Command{Mode: Exec, Syntax: "write erase", Help: []string{"Write running configuration to memory, network, or terminal", "Erase NV memory"}, Run: eraseStartup},
		&Command{Mode: Exec, Syntax: "erase startup-config", Help: []string{"Erase a filesystem", "Erase contents of configuration memory"}, Run: eraseStartup},
		&Command{Mode: Exec, Syntax: "write [memory]", Help: []string{"Write running configuration to memory, network, or terminal", "Write to NV memory"}, Run: writeMemory},
		&Command{Mode: Exec, Syntax: "copy running-config startup-config", Help: []string{"Copy from one file to another", "Copy from current system configuration", "Copy to startup configuration"}, Run: func(c *Context, a Args) error {
			c.Ask("Destination filename [startup-config]? ")
			return writeMemory(c, a)
		}},
		&Command{Mode: Exec, Syntax: "copy startup-config running-config", Help: []string{"Copy from one file to another", "Copy from startup configuration", "Update (merge with) current system configuration"}, Run: copyStartRun},

		&Command{Mode: Config, Syntax: "hostname WORD", Help: []string{"Set system's network name", "This system's network name"}, Run: hostname},
		&Command{Mode: Config, Syntax: "no hostname", Help: []string{HelpNo, "Set system's network name"}, Run: func(c *Context, a Args) error {
			c.eng.SetHostname("Router")
			return nil
		}},
		&Command{Mode: Config, Syntax: "[no] service password-encryption", Help: []string{"Modify use of network based services", "Encrypt system passwords"}, Run: func(c *Context, a Args) error {
			c.eng.secMu.Lock()
			c.eng.services.passwordEncryption = !a.No()
			c.eng.secMu.Unlock()
			return nil
		}},
		&Command{Mode: Config, Hidden: true, Syntax: "version WORD", Help: []string{"Version", "Version number"}, Run: func(*Context, Args) error { return nil }},
		&Command{Mode: Config, Hidden: true, Syntax: "boot-start-marker", Help: []string{"Boot marker"}, Run: func(*Context, Args) error { return nil }},
		&Command{Mode: Config, Hidden: true, Syntax: "boot-end-marker", Help: []string{"Boot marker"}, Run: func(*Context, Args) error { return nil }},
	)
	e.installExecExtras()
	e.installUnsupportedWords() // last: words installed above keep their commands
}

// installConfigModeBuiltins adds do, exit and end to a configuration mode.
// treeMu is held (called from modeSetLocked).
func (e *Engine) installConfigModeBuiltins(m *Mode) {
	e.install(&Command{Mode: m, Syntax: "do LINE", Help: []string{"To run exec commands in config mode", "Exec Command"}, Run: doExec})
	e.install(&Command{Mode: m, Syntax: "exit", Help: []string{m.exitHelp()}, Run: func(c *Context, a Args) error {
		s := c.sess
		if s.Mode() == Config {
			s.endConfig()
			return nil
		}
		s.stack = s.stack[:len(s.stack)-1]
		return nil
	}})
	e.install(&Command{Mode: m, Hidden: m != Config, Syntax: "end", Help: []string{"Exit from configure mode"}, Run: func(c *Context, a Args) error {
		c.sess.endConfig()
		return nil
	}})
}

// endConfig leaves configuration mode for privileged EXEC and logs it.
func (s *Session) endConfig() {
	s.SetMode(Exec)
	by := s.configuredBy
	if by == "" {
		by = "console"
	}
	s.eng.Log("%SYS-5-CONFIG_I: Configured from console by " + by)
}

func logout(c *Context, a Args) error {
	c.sess.closed = true
	return nil
}

func configure(c *Context, a Args) error {
	if !a.Has("terminal") {
		c.Ask("Configuring from terminal, memory, or network [terminal]? ")
	}
	c.Printf("Enter configuration commands, one per line.  End with CNTL/Z.\n")
	c.sess.SetMode(Config)
	return nil
}

func doExec(c *Context, a Args) error {
	s := c.sess
	line := c.line
	start := 0
	for _, x := range a.args {
		if x.tok.kind == lineTok {
			start = x.start
		}
	}
	if !s.run(line[start:], start, Exec) {
		return errSilent
	}
	return nil
}

// errSilent marks a line failed whose message is already printed.
var errSilent = &cliError{}

func hostname(c *Context, a Args) error {
	name := a.Str("WORD")
	if c := name[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return Errorf("%% Hostname contains one or more illegal characters.")
	}
	if len(name) > 63 {
		name = name[:63]
	}
	c.eng.SetHostname(name)
	return nil
}

func showRunning(c *Context, a Args) error {
	text := c.eng.runningConfig()
	c.Printf("Building configuration...\n\nCurrent configuration : %d bytes\n%s\n", len(text), text)
	return nil
}

// showRunningInterface prints one interface block of the running-config
// with the usual header (reference §4.1).
func showRunningInterface(c *Context, a Args) error {
	name := a.Str("IFNAME")
	lines := strings.SplitAfter(c.eng.runningConfig(), "\n")
	for i, l := range lines {
		if l != "interface "+name+"\n" {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], " ") {
			j++
		}
		block := "!\n" + strings.Join(lines[i:j], "") + "end\n"
		c.Printf("Building configuration...\n\nCurrent configuration : %d bytes\n%s\n", len(block), block)
		return nil
	}
	// IOS rejects an interface that does not exist at its name.
	return c.InvalidAt(a.Offset("IFNAME"))
}

func showStartup(c *Context, a Args) error {
	text, err := c.eng.startupConfig()
	if err == errNoStartup {
		c.Printf("startup-config is not present\n")
		return nil
	}
	if err != nil {
		return Errorf("%%Error opening nvram:/startup-config (%v)", err)
	}
	c.Printf("Using %d out of %d bytes\n%s\n", len(text), NVRAMSize, text)
	return nil
}

func writeMemory(c *Context, a Args) error {
	c.Printf("Building configuration...\n")
	if err := c.eng.saveStartup(c.eng.runningConfig()); err != nil {
		return Errorf("%%Error writing nvram:/startup-config (%v)", err)
	}
	c.Printf("[OK]\n")
	return nil
}

// eraseStartup deletes the saved configuration after IOS's confirmation.
func eraseStartup(c *Context, a Args) error {
	answer := strings.ToLower(c.Ask("Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]"))
	if answer != "" && !strings.HasPrefix(answer, "y") {
		return nil
	}
	if err := c.eng.eraseStartup(); err != nil {
		return Errorf("%%Error erasing nvram: (%v)", err)
	}
	c.Printf("[OK]\nErase of nvram: complete\n")
	return nil
}

func copyStartRun(c *Context, a Args) error {
	c.Ask("Destination filename [running-config]? ")
	text, err := c.eng.startupConfig()
	if err != nil {
		return Errorf("%%Error opening nvram:/startup-config (No such file or directory)")
	}
	errs := c.eng.loadConfig(strings.NewReader(text), true)
	for _, le := range errs {
		c.Printf("%s\n", le.Message)
	}
	c.Printf("%d bytes copied in 0.000 secs\n", len(text))
	return nil
}
