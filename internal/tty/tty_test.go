package tty

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the controller end (what a terminal emulator holds) and the
// terminal end (what a program's standard input would be).
func openPTY(t *testing.T) (controller, terminal *os.File) {
	t.Helper()
	c, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	fd := int(c.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	term, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	return c, term
}

func termios(t *testing.T, f *os.File) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func TestIsTerminal(t *testing.T) {
	_, term := openPTY(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if !IsTerminal(term) {
		t.Error("IsTerminal(pseudo-terminal) = false")
	}
	if IsTerminal(r) {
		t.Error("IsTerminal(pipe) = true")
	}
}

func TestSize(t *testing.T) {
	_, term := openPTY(t)
	if err := unix.IoctlSetWinsize(int(term.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Fatal(err)
	}
	if rows, cols, ok := Size(term); !ok || rows != 24 || cols != 80 {
		t.Errorf("Size = %d, %d, %v; want 24, 80, true", rows, cols, ok)
	}
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	if _, _, ok := Size(r); ok {
		t.Error("Size(pipe) ok")
	}
}

// TestModes checks what each mode turns off while it is in force, and that the terminal is as it
// was afterwards.
func TestModes(t *testing.T) {
	const lineEditing = unix.ICANON | unix.ECHO
	_, term := openPTY(t)
	before := *termios(t, term)
	if before.Lflag&lineEditing != lineEditing || before.Oflag&unix.OPOST == 0 {
		t.Fatalf("a new pseudo-terminal is not in cooked mode: lflag %#x oflag %#x", before.Lflag, before.Oflag)
	}

	restore, err := Raw(term)
	if err != nil {
		t.Fatal(err)
	}
	raw := termios(t, term)
	if raw.Lflag&(lineEditing|unix.ISIG) != 0 || raw.Oflag&unix.OPOST != 0 {
		t.Errorf("Raw: lflag %#x oflag %#x, want no line editing, echo, signals or output processing", raw.Lflag, raw.Oflag)
	}
	restore()
	if got := *termios(t, term); got != before {
		t.Errorf("after Raw's restore: %+v, want %+v", got, before)
	}

	ran := false
	WithKeys(term, func() {
		ran = true
		keys := termios(t, term)
		if keys.Lflag&lineEditing != 0 || keys.Cc[unix.VMIN] != 1 {
			t.Errorf("WithKeys: lflag %#x vmin %d, want single unechoed keys", keys.Lflag, keys.Cc[unix.VMIN])
		}
		if keys.Lflag&unix.ISIG == 0 || keys.Oflag&unix.OPOST == 0 {
			t.Errorf("WithKeys: lflag %#x oflag %#x, want signals and output processing kept", keys.Lflag, keys.Oflag)
		}
	})
	if !ran {
		t.Error("WithKeys did not run its function")
	}
	if got := *termios(t, term); got != before {
		t.Errorf("after WithKeys: %+v, want %+v", got, before)
	}
}

func TestWithKeysNotATerminal(t *testing.T) {
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	ran := false
	WithKeys(r, func() { ran = true })
	if !ran {
		t.Error("WithKeys on a pipe did not run its function")
	}
}

// TestReadHidden types a password and the next line: the password comes back, the terminal is as it
// was, and the next line is left for whoever reads after it.
func TestReadHidden(t *testing.T) {
	controller, term := openPTY(t)
	before := *termios(t, term)
	if _, err := controller.WriteString("secret\rnext\r"); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHidden(term)
	if err != nil || got != "secret" {
		t.Fatalf("ReadHidden = %q, %v; want \"secret\"", got, err)
	}
	if after := *termios(t, term); after != before {
		t.Errorf("after ReadHidden: %+v, want %+v", after, before)
	}
	buf := make([]byte, 16)
	n, err := term.Read(buf)
	if err != nil || string(buf[:n]) != "next\n" {
		t.Errorf("the next read = %q, %v; want \"next\\n\"", buf[:n], err)
	}
}
