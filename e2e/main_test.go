package e2e

import (
	"os"
	"testing"
)

// TestMain removes the payload files the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if payloadDir != "" {
		os.RemoveAll(payloadDir)
	}
	os.Exit(code)
}
