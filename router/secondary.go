package router

import (
	"errors"
	"net/netip"
	"slices"
)

// MaxSecondaries bounds the secondary addresses of one interface, so the
// configuration cannot grow the tables without bound.
const MaxSecondaries = 64

// ErrTooManySecondaries is AddSecondary's refusal past MaxSecondaries.
var ErrTooManySecondaries = errors.New("too many secondary addresses")

// AddSecondary adds a secondary address (`ip address A M secondary`): a
// connected route, local delivery and ARP answers, as the primary has.
// Adding one already there changes nothing. Validation (mask, overlaps)
// is the CLI's job.
func (i *Interface) AddSecondary(p netip.Prefix) error {
	var err error
	i.r.configureIf(func() bool {
		if slices.Contains(i.secondary, p) {
			return false
		}
		if len(i.secondary) >= MaxSecondaries {
			err = ErrTooManySecondaries
			return false
		}
		i.secondary = append(i.secondary, p)
		return true
	})
	return err
}

// RemoveSecondary removes one secondary address and reports whether it was
// configured.
func (i *Interface) RemoveSecondary(p netip.Prefix) bool {
	found := false
	i.r.configureIf(func() bool {
		k := slices.Index(i.secondary, p)
		if k < 0 {
			return false
		}
		found = true
		i.secondary = slices.Delete(slices.Clone(i.secondary), k, k+1)
		return true
	})
	return found
}

// ClearSecondaries removes every secondary address.
func (i *Interface) ClearSecondaries() {
	i.r.configureIf(func() bool {
		had := len(i.secondary) > 0
		i.secondary = nil
		return had
	})
}

// SecondaryAddresses returns a copy of the secondary addresses in the
// order they were configured.
func (i *Interface) SecondaryAddresses() []netip.Prefix {
	return locked(i, func() []netip.Prefix { return slices.Clone(i.secondary) })
}

// Addresses returns the primary address (when set) and the secondaries.
func (i *Interface) Addresses() []netip.Prefix {
	return locked(i, func() []netip.Prefix {
		var out []netip.Prefix
		if i.addr.IsValid() {
			out = append(out, i.addr)
		}
		return append(out, i.secondary...)
	})
}

// ownsSecondary reports, on the packet path, whether a is one of the
// interface's secondary addresses (the primary is checked by the caller).
func (st *ifaceState) ownsSecondary(a netip.Addr) bool {
	for _, p := range st.secondary {
		if p.Addr() == a {
			return true
		}
	}
	return false
}

// onLink reports whether a is in one of the interface's subnets.
func (st *ifaceState) onLink(a netip.Addr) bool {
	if st.addr.IsValid() && st.addr.Contains(a) {
		return true
	}
	for _, p := range st.secondary {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
