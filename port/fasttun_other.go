//go:build !linux

package port

import "fmt"

// OpenFastTUN needs Linux.
func OpenFastTUN(cfg TUNConfig, opts FastTUNOptions) (Port, error) {
	return nil, fmt.Errorf("tun: only supported on Linux: %w", ErrNoOffload)
}
