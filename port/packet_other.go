//go:build !linux

package port

import "errors"

// OpenPacket needs Linux.
func OpenPacket(cfg PacketConfig) (Port, error) {
	return nil, errors.New("packet: only supported on Linux")
}
