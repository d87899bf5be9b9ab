package port

// Offload is what a packet still owes the kernel, as the virtio-net header
// of a TUN opened with IFF_VNET_HDR says it: a transport checksum that is
// only the pseudo-header sum (NeedsCsum, the kernel's CHECKSUM_PARTIAL),
// and for a super-packet (GSO other than GSONone) the segment size the
// kernel cuts its payload into. The zero value is a plain, finished packet.
//
// Offsets are from the start of the IP header (the TUN carries no link
// header), so CsumStart is the transport header's offset and the checksum
// field is at CsumStart+CsumOffset.
type Offload struct {
	GSO        GSOType
	NeedsCsum  bool
	HdrLen     uint16 // IP and transport header bytes, as the sender gave them
	GSOSize    uint16 // payload bytes per segment (the MSS for TCP)
	CsumStart  uint16
	CsumOffset uint16
}

// GSOType is the kind of super-packet.
type GSOType uint8

const (
	GSONone  GSOType = iota // one packet
	GSOTCPv4                // a TCP/IPv4 segmentation offload packet (TSO)
	GSOUDPL4                // a UDP segmentation offload packet (USO): one datagram per segment
	GSOTCPv6                // TCP/IPv6 (the router forwards IPv4 only: dropped)
)

// IsZero reports a plain packet with a finished checksum: no GSO and no
// partial checksum (the other fields then mean nothing). Two byte compares:
// the router asks it of every packet.
func (o Offload) IsZero() bool { return o.GSO == GSONone && !o.NeedsCsum }

// OffloadPort is implemented by ports that carry super-packets and partial
// checksums whole (the fast TUN). A router that uses it reads and writes
// each packet with its Offload and finishes what it must itself; Read and
// Write of the plain Port interface still return and take finished,
// wire-sized packets.
type OffloadPort interface {
	// ReadOffload is Read that also fills offl[i] for bufs[i]. Buffers
	// should hold MaxOffloadPacket bytes past offset.
	ReadOffload(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error)
	// WriteOffload is Write that sends bufs[i] with offl[i].
	WriteOffload(bufs [][]byte, offl []Offload, offset int) (int, error)
}

// MaxOffloadPacket is the largest super-packet an OffloadPort reads.
const MaxOffloadPacket = 65535

// MultiQueue is implemented by ports with several queues (IFF_MULTI_QUEUE):
// the kernel spreads flows over them by hash, and each queue is read and
// written by a goroutine of its own. Queues returns them all, the port
// itself first; every queue is a Port (and an OffloadPort when the port is)
// on the same device. Link state and Close belong to the port.
type MultiQueue interface {
	Queues() []Port
}

// Nonblocking is implemented by ports whose reads can be tried without
// waiting. The router uses it to take, right after it wrote to a port, the
// answer that its write provoked (a TUN's write runs the receiving host's
// stack, which replies at once), instead of waking the port's own reader:
// one cross-thread wake-up less per hop.
type Nonblocking interface {
	// TryRead is ReadOffload (Read when offl is nil) that returns 0 at
	// once when no packet waits.
	TryRead(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error)
	// WaitReadable blocks until a packet may be waiting (it may return
	// when none is, after another reader took it), or returns ErrClosed.
	WaitReadable() error
}
