package acl

import "natlab/ios"

// The engine owns the log pipeline, `logging buffered` and `show logging`;
// the access lists install them (they are what most needs them) and give it the rate-limited count show logging
// prints.
func (a *ACLs) installLogging(e *ios.Engine) {
	e.InstallLogging()
	e.SetLogRateLimited(a.log.limited.Load)
}
