package port

import (
	"bytes"
	"testing"
)

// A MemOffload read by a plain reader (Read, or TryRead without offl)
// gives finished, wire-sized packets; ReadOffload gives the super-packet
// whole.
func TestMemOffloadReaders(t *testing.T) {
	super, o, payload := superPacket(t, false, 3000, 1000, 0x10)
	bufs := make([][]byte, 8)
	for k := range bufs {
		bufs[k] = make([]byte, MaxOffloadPacket)
	}
	sizes, offl := make([]int, 8), make([]Offload, 8)
	m, h := NewMemOffload("m", 1500)
	defer m.Close()
	read := map[string]func() (int, error){
		"Read":            func() (int, error) { return m.Read(bufs, sizes, 0) },
		"TryRead plain":   func() (int, error) { return m.TryRead(bufs, sizes, nil, 0) },
		"ReadOffload":     func() (int, error) { return m.ReadOffload(bufs, sizes, offl, 0) },
		"TryRead offload": func() (int, error) { return m.TryRead(bufs, sizes, offl, 0) },
	}
	for name, f := range read {
		if err := h.InjectOffload(super, o); err != nil {
			t.Fatal(err)
		}
		n, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "ReadOffload" || name == "TryRead offload" {
			if n != 1 || offl[0] != o || !bytes.Equal(bufs[0][:sizes[0]], super) {
				t.Fatalf("%s: %d packets, offload %+v", name, n, offl[0])
			}
			continue
		}
		var got []byte
		for k := 0; k < n; k++ {
			got = append(got, checkSegment(t, bufs[k][:sizes[k]], 0, false)...)
		}
		if n != 3 || !bytes.Equal(got, payload) {
			t.Fatalf("%s: %d segments, payload equal %v", name, n, bytes.Equal(got, payload))
		}
	}
}
