package main

import (
	"os"

	"natlab/internal/tty"
)

// stdinTerminal is the router's own terminal for the console login dialogue, before the line editor
// takes over: the answer is one line, read a byte at a time so nothing the editor should see is
// consumed, with echo off for passwords.
type stdinTerminal struct{}

func (stdinTerminal) Write(p []byte) (int, error) { return os.Stdout.Write(p) }

func (stdinTerminal) Ask(prompt string, echo bool) (string, error) {
	os.Stdout.WriteString(prompt)
	if !echo {
		defer os.Stdout.WriteString("\n") // the Return typed was not echoed
		return tty.ReadHidden(os.Stdin)
	}
	return readLine(os.Stdin)
}

// readLine reads up to the end of the line, a byte at a time.
func readLine(f *os.File) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := f.Read(b)
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
