package ios

// StartupPath is the file SetStartupPath named, "" while the
// startup-config lives in memory. Features that keep state beside the
// startup-config (the RSA keys IOS holds in NVRAM) find it here.
func (e *Engine) StartupPath() string {
	e.startMu.Lock()
	defer e.startMu.Unlock()
	return e.startupPath
}
