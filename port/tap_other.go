//go:build !linux

package port

import "errors"

// OpenTAP needs Linux.
func OpenTAP(cfg TAPConfig) (Port, error) {
	return nil, errors.New("tap: only supported on Linux")
}
