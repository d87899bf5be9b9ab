package ios

// The file systems of an IOSv as `dir`, `show flash:` and `pwd` list them.
// The router keeps no files but its startup-config, so flash0: is IOSv's
// fixed listing and nvram: holds the startup-config at its real size.

// flashFile is one entry of IOSv's flash0:.
type flashFile struct {
	index int
	attrs string
	size  int64
	date  string
	name  string
}

// flashTotal is flash0:'s size as IOSv's `dir` reports it.
const flashTotal = 2142715904

// flashFiles are IOSv 15.9's flash0: entries.
var flashFiles = []flashFile{
	{1, "drw-", 0, "Jan 30 2013 00:00:00 +00:00", "boot"},
	{264, "drw-", 0, "Oct 14 2013 00:00:00 +00:00", "config"},
	{267, "-rw-", 147993104, "Mar 19 2019 00:00:00 +00:00", "vios-adventerprisek9-m"},
	{268, "-rw-", 524288, "Mar 19 2019 00:00:00 +00:00", "nvram"},
}

func flashFree() int64 {
	free := int64(flashTotal)
	for _, f := range flashFiles {
		free -= f.size
	}
	return free
}

const helpFS = "Directory or file name"

func (e *Engine) installFileCommands() {
	e.Install(
		&Command{Mode: Exec, Syntax: "dir [<flash0:|flash:|nvram:>]", Help: []string{"List files on a filesystem", helpFS, helpFS, helpFS}, Run: dir},
		&Command{Mode: Exec, Syntax: "show flash:", Help: []string{HelpShow, "display information about flash: file system"}, Run: showFlash},
		&Command{Mode: Exec, Syntax: "pwd", Help: []string{"Display current working directory"}, Run: func(c *Context, a Args) error {
			c.Printf("flash0:/\n")
			return nil
		}},
	)
}

// dir lists flash0: (also as flash:, IOSv's alias) or nvram:.
func dir(c *Context, a Args) error {
	if a.Has("nvram:") {
		c.Printf("Directory of nvram:/\n\n")
		used := 0
		if text, err := c.eng.startupConfig(); err == nil {
			used = len(text)
			c.Printf("%5d  %s  %10d  %28s  %s\n", 253, "-rw-", used, "<no date>", "startup-config")
		} else {
			c.Printf("No files in directory\n")
		}
		c.Printf("\n%d bytes total (%d bytes free)\n", NVRAMSize, NVRAMSize-used)
		return nil
	}
	c.Printf("Directory of flash0:/\n\n")
	for _, f := range flashFiles {
		c.Printf("%5d  %s  %10d  %s  %s\n", f.index, f.attrs, f.size, f.date, f.name)
	}
	c.Printf("\n%d bytes total (%d bytes free)\n", flashTotal, flashFree())
	return nil
}

// showFlash is `show flash:` in IOS 15's table layout.
func showFlash(c *Context, a Args) error {
	c.Printf("-#- --length-- -----date/time------ path\n")
	for i, f := range flashFiles {
		name := f.name
		if f.attrs[0] == 'd' {
			name += "/"
		}
		c.Printf("%-3d %10d %s %s\n", i+1, f.size, f.date, name)
	}
	c.Printf("\n%d bytes available (%d bytes used)\n", flashFree(), flashTotal-flashFree())
	return nil
}
