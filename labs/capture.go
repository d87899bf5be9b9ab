package labs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// CapturePoint finds where a node's interface can be watched: the namespace and name of the device that
// carries it. For a router interface (Gi0/1) that is the device the router uses: a TUN at the host's
// end, a TAP at the switch port, or the router's end of a veth pair to another router; each carries
// exactly the packets (or frames) that cross the router interface, in both directions. A switch port
// (sw1 p2) is the bridge port itself.
func (l *Lab) CapturePoint(node, iface string) (netnsName, dev string, err error) {
	n, ok := l.Node(node)
	if !ok {
		return "", "", fmt.Errorf("lab %s has no node %q (it has %s)", l.Lab, node, l.nodeNames())
	}
	want := iface
	if n.Kind == Router {
		if want, err = canonicalInterface(iface); err != nil {
			return "", "", err
		}
	}
	var names []string
	for _, p := range n.Ports {
		if p.Interface == want {
			return p.Netns, p.HostIf, nil
		}
		names = append(names, ShortInterface(p.Interface))
	}
	return "", "", fmt.Errorf("%s has no link on %s (its links are on %s)", node, iface, strings.Join(names, ", "))
}

// pcap file constants (https://www.tcpdump.org/manpages/pcap-savefile.5.html).
const (
	pcapMagic        = 0xa1b2c3d4
	pcapSnaplen      = 65535
	linktypeRaw      = 101 // LINKTYPE_RAW: the packet starts with the IP header (a TUN has no link layer)
	linktypeEthernet = 1   // LINKTYPE_ETHERNET: whole frames (a TAP, a veth, a switch port)
)

// Capture writes a pcap of the packets on device dev in namespace ns to w until stop is closed or
// count packets (0 = no limit) were written. It opens an AF_PACKET socket inside the namespace, so no
// capture program is needed; tcpdump -r and Wireshark read the result. A TUN gives IP packets
// (LINKTYPE_RAW), an Ethernet device whole frames (LINKTYPE_ETHERNET) with the 802.1Q tags the kernel
// took off put back.
func Capture(ns, dev string, w io.Writer, count int, stop <-chan struct{}) (int, error) {
	fd, ether, err := packetSocket(ns, dev)
	if err != nil {
		return 0, err
	}
	linktype := uint32(linktypeRaw)
	if ether {
		linktype = linktypeEthernet
	}
	defer unix.Close(fd)
	// Wake up now and then to notice stop.
	tv := unix.Timeval{Usec: 200000}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)

	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], pcapMagic)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], pcapSnaplen)
	binary.LittleEndian.PutUint32(hdr[20:], linktype)
	if _, err := w.Write(hdr); err != nil {
		return 0, err
	}
	var stopped atomic.Bool
	go func() { <-stop; stopped.Store(true) }()
	// The frame goes at buf[20:], leaving room to put a VLAN tag back in front of it.
	buf := make([]byte, 20+pcapSnaplen)
	oob := make([]byte, unix.CmsgSpace(sizeofAuxdata))
	n := 0
	for !stopped.Load() && (count == 0 || n < count) {
		size, oobn, _, _, err := unix.Recvmsg(fd, buf[20:], oob, unix.MSG_TRUNC)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		start := 20
		if ether {
			if tag, ok := vlanTag(oob[:oobn]); ok && size >= 12 {
				// dst and src MAC move 4 bytes to the front; the tag goes between them and the type.
				copy(buf[16:], buf[20:32])
				copy(buf[28:], tag[:])
				start, size = 16, size+4
			}
		}
		incl := min(size, len(buf)-start)
		now := time.Now()
		hdr := buf[start-16 : start]
		binary.LittleEndian.PutUint32(hdr[0:], uint32(now.Unix()))
		binary.LittleEndian.PutUint32(hdr[4:], uint32(now.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(hdr[8:], uint32(incl))
		binary.LittleEndian.PutUint32(hdr[12:], uint32(size))
		if _, err := w.Write(buf[start-16 : start+incl]); err != nil {
			return n, err
		}
		n++
		if f, ok := w.(interface{ Flush() error }); ok {
			f.Flush()
		}
	}
	return n, nil
}

// packetSocket opens an AF_PACKET socket bound to dev inside namespace ns: for an Ethernet device
// (ether) a raw one that sees whole frames and reports stripped VLAN tags, else (a TUN) one that sees
// IP packets. The socket keeps working after the thread returns to its own namespace.
func packetSocket(ns, dev string) (fd int, ether bool, err error) {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return -1, false, err
	}
	defer orig.Close()
	target, err := netns.GetFromName(ns)
	if err != nil {
		runtime.UnlockOSThread()
		return -1, false, fmt.Errorf("namespace %s: %v", ns, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return -1, false, err
	}
	fd, ether, serr := func() (int, bool, error) {
		ifi, err := net.InterfaceByName(dev)
		if err != nil {
			return -1, false, fmt.Errorf("%s in %s: %v", dev, ns, err)
		}
		ether := len(ifi.HardwareAddr) == 6
		typ := unix.SOCK_DGRAM
		if ether {
			typ = unix.SOCK_RAW
		}
		proto := htons(unix.ETH_P_ALL)
		fd, err := unix.Socket(unix.AF_PACKET, typ|unix.SOCK_CLOEXEC, int(proto))
		if err != nil {
			return -1, false, err
		}
		if ether {
			if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
				unix.Close(fd)
				return -1, false, err
			}
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
			unix.Close(fd)
			return -1, false, err
		}
		return fd, ether, nil
	}()
	if err := netns.Set(orig); err != nil {
		// Leave the thread locked: it dies with this goroutine instead of running others in ns.
		return fd, ether, serr
	}
	runtime.UnlockOSThread()
	return fd, ether, serr
}

// sizeofAuxdata is the size of struct tpacket_auxdata.
const sizeofAuxdata = 20

// vlanTag is the 802.1Q tag (TPID and TCI, in wire order) that the kernel took off a frame, from its
// PACKET_AUXDATA control message.
func vlanTag(oob []byte) (tag [4]byte, ok bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return tag, false
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_PACKET || m.Header.Type != unix.PACKET_AUXDATA || len(m.Data) < sizeofAuxdata {
			continue
		}
		// struct tpacket_auxdata: status, len, snaplen (u32), mac, net, vlan_tci, vlan_tpid (u16).
		status := binary.NativeEndian.Uint32(m.Data[0:])
		tci, tpid := binary.NativeEndian.Uint16(m.Data[16:]), binary.NativeEndian.Uint16(m.Data[18:])
		if status&unix.TP_STATUS_VLAN_VALID == 0 {
			return tag, false
		}
		if status&unix.TP_STATUS_VLAN_TPID_VALID == 0 {
			tpid = 0x8100
		}
		binary.BigEndian.PutUint16(tag[0:], tpid)
		binary.BigEndian.PutUint16(tag[2:], tci)
		return tag, true
	}
	return tag, false
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
