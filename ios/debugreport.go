package ios

// AddDebugReport registers f to list a feature's debugging that is on, for
// `show debugging`. f returns IOS's lines for the feature, a header then
// indented lines, e.g. {"NAT:", "  IP NAT debugging is on"}, or nothing
// when its debugging is off. It is called with the config lock held, from
// the session running the command.
func (e *Engine) AddDebugReport(f func() []string) {
	e.undebug.mu.Lock()
	e.undebug.reports = append(e.undebug.reports, f)
	e.undebug.mu.Unlock()
}

// showDebugging prints every registered report in registration order; IOS
// prints nothing when no debugging is on.
func showDebugging(c *Context, a Args) error {
	e := c.eng
	e.undebug.mu.Lock()
	reports := append([]func() []string(nil), e.undebug.reports...)
	e.undebug.mu.Unlock()
	for _, f := range reports {
		for _, l := range f() {
			c.Printf("%s\n", l)
		}
	}
	return nil
}
