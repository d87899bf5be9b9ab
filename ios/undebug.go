package ios

import "sync"

// undebugs are the features' "turn every debug off" functions, for
// `undebug all` / `no debug all`, which the engine owns so that one command
// reaches every feature's debugging.
type undebugs struct {
	mu  sync.Mutex
	fns []func()
	// reports are the features' `show debugging` lines (debugreport.go).
	reports []func() []string
}

// AddUndebug registers f to turn a feature's debugging off on `undebug all`.
func (e *Engine) AddUndebug(f func()) {
	e.undebug.mu.Lock()
	e.undebug.fns = append(e.undebug.fns, f)
	e.undebug.mu.Unlock()
}

func (e *Engine) installUndebugAll() {
	run := func(c *Context, a Args) error {
		e.undebug.mu.Lock()
		fns := append([]func(){}, e.undebug.fns...)
		e.undebug.mu.Unlock()
		for _, f := range fns {
			f()
		}
		c.Printf("All possible debugging has been turned off\n")
		return nil
	}
	e.Install(
		&Command{Mode: Exec, Syntax: "undebug all", Help: []string{"Disable debugging functions (see also 'debug')", "Enable all debugging"}, Run: run},
		&Command{Mode: Exec, Syntax: "no debug all", Help: []string{HelpNo, HelpDebug, "Enable all debugging"}, Run: run},
	)
}
