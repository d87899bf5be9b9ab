package port

import (
	"encoding/binary"
	"net"
	"testing"
	"time"
)

// TestFastTUNCoalescesUDP sends bursts of small datagrams from one
// namespace to another through two fast TUNs and a TTL-only router: the
// egress TUN writes them as UDP segmentation offload super-packets
// (Stats.Coalesced), and the receiving socket gets each datagram intact,
// in order.
func TestFastTUNCoalescesUDP(t *testing.T) {
	nsA, nsB, a, b := twoNets(t, 1)
	if !b.Stats().USO {
		t.Skip("the kernel takes no UDP segmentation offload on a TUN")
	}
	var ab, ba fwdStats
	go miniForward(a, b, false, &ab)
	go miniForward(b, a, false, &ba)
	var rx *net.UDPConn
	if err := inNetns(nsB, func() (err error) {
		rx, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(10, 10, 2, 2)})
		return
	}); err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	rx.SetReadBuffer(8 << 20)
	var tx *net.UDPConn
	if err := inNetns(nsA, func() (err error) {
		tx, err = net.DialUDP("udp4", nil, rx.LocalAddr().(*net.UDPAddr))
		return
	}); err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	const bursts, per, size = 40, 50, 80
	go func() {
		msg := make([]byte, size)
		for k := 0; k < bursts*per; k++ {
			binary.BigEndian.PutUint32(msg, uint32(k))
			for i := 4; i < size; i++ {
				msg[i] = byte(k + i)
			}
			tx.Write(msg)
			if k%per == per-1 {
				time.Sleep(2 * time.Millisecond) // the TUN queue holds 500
			}
		}
	}()
	got, last := 0, -1
	buf := make([]byte, 2048)
	rx.SetReadDeadline(time.Now().Add(10 * time.Second))
	for got < bursts*per {
		n, err := rx.Read(buf)
		if err != nil {
			break
		}
		k := int(binary.BigEndian.Uint32(buf))
		if n != size || k <= last {
			t.Fatalf("datagram %d after %d: %d bytes", k, last, n)
		}
		for i := 4; i < size; i++ {
			if buf[i] != byte(k+i) {
				t.Fatalf("datagram %d: byte %d changed", k, i)
			}
		}
		last = k
		got++
		if got == bursts*per {
			break
		}
		rx.SetReadDeadline(time.Now().Add(time.Second))
	}
	st := b.Stats()
	t.Logf("%d of %d datagrams received; %d written coalesced", got, bursts*per, st.Coalesced)
	if got < bursts*per*9/10 {
		t.Fatalf("only %d of %d datagrams arrived", got, bursts*per)
	}
	if st.Coalesced == 0 || st.WriteErrors != 0 {
		t.Fatalf("coalesced %d, write errors %d", st.Coalesced, st.WriteErrors)
	}
}
