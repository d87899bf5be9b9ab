package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdinTerminal is the router's own terminal for the console login dialogue, before the line editor
// takes over: the answer is one line, read a byte at a time so nothing the editor should see is
// consumed, with echo off for passwords.
type stdinTerminal struct{}

func (stdinTerminal) Write(p []byte) (int, error) { return os.Stdout.Write(p) }

func (stdinTerminal) Ask(prompt string, echo bool) (string, error) {
	os.Stdout.WriteString(prompt)
	fd := int(os.Stdin.Fd())
	if !echo {
		if t, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			quiet := *t
			quiet.Lflag &^= unix.ECHO
			if unix.IoctlSetTermios(fd, unix.TCSETS, &quiet) == nil {
				defer func() {
					unix.IoctlSetTermios(fd, unix.TCSETS, t)
					os.Stdout.WriteString("\n")
				}()
			}
		}
	}
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := os.Stdin.Read(b)
		if err != nil {
			return string(line), err
		}
		if n == 0 {
			continue
		}
		if b[0] == '\n' || b[0] == '\r' {
			return string(line), nil
		}
		line = append(line, b[0])
	}
}
