//go:build !linux

package port

import "errors"

// OpenTUN needs Linux.
func OpenTUN(cfg TUNConfig) (Port, error) {
	return nil, errors.New("tun: only supported on Linux")
}
