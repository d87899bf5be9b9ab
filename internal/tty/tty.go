// Package tty is the one place that changes a terminal's modes: raw mode for a console client that
// copies bytes, single key presses for the --More-- pager, and an unechoed line for a password. The
// router's own console, the IOS line editor's pager and `labs console` share it.
package tty

import (
	"os"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Size is the terminal's window size; ok is false when f is not a terminal.
func Size(f *os.File) (rows, cols int, ok bool) {
	cols, rows, err := term.GetSize(int(f.Fd()))
	return rows, cols, err == nil
}

// Raw puts the terminal f in raw mode (cfmakeraw: no echo, no line editing, no signals, no output
// processing) and returns the function that restores the previous settings.
func Raw(f *os.File) (restore func(), err error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	return func() { term.Restore(fd, old) }, nil
}

// ReadHidden reads one line from the terminal f with echo off, as a password is typed. The line is
// read a byte at a time, so nothing typed after it is consumed.
func ReadHidden(f *os.File) (string, error) {
	b, err := term.ReadPassword(int(f.Fd()))
	return string(b), err
}

// WithKeys runs fn with the terminal f delivering single key presses unechoed (for --More--) and
// restores the previous settings afterwards; when f is not a terminal fn runs as it is.
//
// Unlike Raw it keeps output processing (a "\n" written while fn runs still starts a new line) and
// signals (Ctrl-C still interrupts); golang.org/x/term has no such mode, so this one turns the two
// local flags off itself.
func WithKeys(f *os.File, fn func()) {
	fd := int(f.Fd())
	old, err := term.GetState(fd)
	if err != nil {
		fn()
		return
	}
	defer term.Restore(fd, old)
	setKeys(fd)
	fn()
}

// setKeys turns off line editing and echo, so that each key press is read as it comes.
func setKeys(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Lflag &^= unix.ICANON | unix.ECHO
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
