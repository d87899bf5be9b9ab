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

// CapturePoint finds where a node's interface can be watched: the namespace and device name of the TUN
// that backs it. For a router interface (Gi0/1) that is the device at the host's end, which carries
// exactly the packets that cross the router interface, in both directions.
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
	pcapMagic   = 0xa1b2c3d4
	pcapSnaplen = 65535
	linktypeRaw = 101 // LINKTYPE_RAW: the packet starts with the IP header (a TUN has no link layer)
)

// Capture writes a pcap of the packets on device dev in namespace ns to w until stop is closed or
// count packets (0 = no limit) were written. It opens an AF_PACKET socket inside the namespace, so no
// capture program is needed; tcpdump -r and Wireshark read the result.
func Capture(ns, dev string, w io.Writer, count int, stop <-chan struct{}) (int, error) {
	fd, err := packetSocket(ns, dev)
	if err != nil {
		return 0, err
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
	binary.LittleEndian.PutUint32(hdr[20:], linktypeRaw)
	if _, err := w.Write(hdr); err != nil {
		return 0, err
	}
	var stopped atomic.Bool
	go func() { <-stop; stopped.Store(true) }()
	buf := make([]byte, 16+pcapSnaplen)
	n := 0
	for !stopped.Load() && (count == 0 || n < count) {
		size, _, err := unix.Recvfrom(fd, buf[16:], unix.MSG_TRUNC)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		incl := min(size, pcapSnaplen)
		now := time.Now()
		binary.LittleEndian.PutUint32(buf[0:], uint32(now.Unix()))
		binary.LittleEndian.PutUint32(buf[4:], uint32(now.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(buf[8:], uint32(incl))
		binary.LittleEndian.PutUint32(buf[12:], uint32(size))
		if _, err := w.Write(buf[:16+incl]); err != nil {
			return n, err
		}
		n++
		if f, ok := w.(interface{ Flush() error }); ok {
			f.Flush()
		}
	}
	return n, nil
}

// packetSocket opens an AF_PACKET socket bound to dev inside namespace ns. The socket keeps working
// after the thread returns to its own namespace.
func packetSocket(ns, dev string) (int, error) {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return -1, err
	}
	defer orig.Close()
	target, err := netns.GetFromName(ns)
	if err != nil {
		runtime.UnlockOSThread()
		return -1, fmt.Errorf("namespace %s: %v", ns, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return -1, err
	}
	fd, serr := func() (int, error) {
		ifi, err := net.InterfaceByName(dev)
		if err != nil {
			return -1, fmt.Errorf("%s in %s: %v", dev, ns, err)
		}
		proto := htons(unix.ETH_P_ALL)
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
		if err != nil {
			return -1, err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
			unix.Close(fd)
			return -1, err
		}
		return fd, nil
	}()
	if err := netns.Set(orig); err != nil {
		// Leave the thread locked: it dies with this goroutine instead of running others in ns.
		return fd, serr
	}
	runtime.UnlockOSThread()
	return fd, serr
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
