package nat

import (
	"math/bits"

	"natlab/packet"
)

// portSet is the set of global ports in use on one (address, protocol):
// a 65536-bit bitmap (8 KiB), so "is it free" and "lowest free port in a
// range" are a few word operations.
type portSet struct {
	words [1024]uint64
	used  int
}

func (s *portSet) has(p uint16) bool { return s.words[p>>6]&(1<<(p&63)) != 0 }

func (s *portSet) add(p uint16) {
	if !s.has(p) {
		s.words[p>>6] |= 1 << (p & 63)
		s.used++
	}
}

func (s *portSet) remove(p uint16) {
	if s.has(p) {
		s.words[p>>6] &^= 1 << (p & 63)
		s.used--
	}
}

// portClass returns the range IOS keeps a translated port in: 0-511,
// 512-1023 or 1024-65535.
func portClass(p uint16) (lo, hi uint16) {
	switch {
	case p < 512:
		return 0, 511
	case p < 1024:
		return 512, 1023
	default:
		return 1024, 65535
	}
}

// lowestFree returns the lowest port in [lo, hi] not in s and for which
// reserved (if not nil) is false.
func (s *portSet) lowestFree(lo, hi uint16, reserved func(uint16) bool) (uint16, bool) {
	for w := int(lo >> 6); w <= int(hi>>6); w++ {
		free := ^s.words[w]
		for free != 0 {
			bit := bits.TrailingZeros64(free)
			p := w<<6 | bit
			free &^= 1 << bit
			if p < int(lo) {
				continue
			}
			if p > int(hi) {
				return 0, false
			}
			if reserved != nil && reserved(uint16(p)) {
				continue
			}
			return uint16(p), true
		}
	}
	return 0, false
}

// allocKey names one port space: a global address and a protocol.
type allocKey struct {
	addr  [4]byte
	proto packet.Proto
}
