package main

import (
	"testing"

	"natlab/internal/netnstest"
)

// binaries builds cmd/labs and cmd/router once per test binary.
func binaries(t testing.TB) (labs, router string) {
	t.Helper()
	return netnstest.Binary(t, "./cmd/labs"), netnstest.RouterBinary(t)
}
