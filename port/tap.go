package port

// TAPConfig says how OpenTAP creates and places a TAP device: the same
// settings as a TUN's (a TAP is the same tun-driver device carrying
// Ethernet frames).
type TAPConfig = TUNConfig
