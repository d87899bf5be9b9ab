package vty

import (
	"crypto/rsa"

	"natlab/console"
	"natlab/ios"
	"natlab/system"
)

// New returns a server of engine e on the vty lines of sys.
func New(e *ios.Engine, sys *system.System) *Server { return NewLines(e, systemLines{sys}) }

// systemLines adapts package system's lines to Lines.
type systemLines struct{ s *system.System }

func (l systemLines) OpenVTY(r Request) (Line, error) {
	v, err := l.s.OpenVTY(r)
	if err != nil {
		return nil, err
	}
	return systemLine{v}, nil
}

func (l systemLines) SSHHostKey() *rsa.PrivateKey { return l.s.SSHHostKey() }

func (l systemLines) SSH() SSHSettings { return l.s.SSH() }

// Banner is the configured banner of a kind (motd, login, exec).
func (l systemLines) Banner(kind string) (string, bool) { return l.s.Banner(kind) }

// systemLine adapts a system.VTY to Line: its login dialogue takes the
// console's Terminal.
type systemLine struct{ *system.VTY }

func (l systemLine) Terminal(t console.Terminal) (string, bool) { return l.VTY.Terminal(t) }
