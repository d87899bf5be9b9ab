package ios

import (
	"os"

	"golang.org/x/sys/unix"
)

// withRawKeys runs f with the terminal delivering single key presses (for
// --More--), restoring the previous settings afterwards.
func withRawKeys(f func()) {
	fd := int(os.Stdin.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		f()
		return
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if unix.IoctlSetTermios(fd, unix.TCSETS, &raw) != nil {
		f()
		return
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	f()
}
