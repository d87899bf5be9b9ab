package port

import "errors"

// FastTUNOptions are the settings of OpenFastTUN beyond the device's
// placement (TUNConfig).
type FastTUNOptions struct {
	// Queues is how many queues (IFF_MULTI_QUEUE descriptors) the device
	// has, each read and written by a goroutine of its own; 0 means 1, at
	// most MaxTUNQueues. The kernel hashes each flow to one queue, so more
	// queues help several flows, never one.
	Queues int
}

// MaxTUNQueues is the most queues OpenFastTUN opens (the kernel allows
// 256; each queue holds a 64 KB buffer for plain Read).
const MaxTUNQueues = 64

// OffloadHeadroom is the offset a caller of a fast TUN's ReadOffload,
// WriteOffload, Read and Write should pass (at least): the port then reads
// and writes each packet's virtio-net header in the bytes just before it,
// with no copy. With less headroom the port still works, through a copy on
// write. The bytes before offset are the port's to overwrite.
const OffloadHeadroom = vnetHdrLen

// ErrNoOffload is wrapped by OpenFastTUN's error when the kernel refuses
// the virtio-net header or the offloads (IFF_VNET_HDR, IFF_MULTI_QUEUE,
// TUNSETOFFLOAD): the caller can fall back to OpenTUN.
var ErrNoOffload = errors.New("the kernel refuses TUN offloads")

// FastTUNStats is what a fast TUN did beyond moving packets, summed over
// its queues.
type FastTUNStats struct {
	// USO is whether the kernel took UDP segmentation offload
	// (TUN_F_USO4|USO6, Linux 6.2 and later): UDP super-packets then cross
	// the port too.
	USO bool
	// SuperPackets is how many GSO packets were read, Segments how many
	// packets plain Read cut them into, and ChecksumsCompleted how many
	// partial checksums plain Read finished.
	SuperPackets, Segments, ChecksumsCompleted uint64
	// Dropped counts packets read whose virtio-net header did not match
	// them, longer than the buffer, or the kernel could not describe.
	Dropped uint64
	// WriteErrors counts packets the kernel refused on write.
	WriteErrors uint64
	// Coalesced counts UDP datagrams written as part of a UDP
	// segmentation offload super-packet (udpgro.go).
	Coalesced uint64
}
