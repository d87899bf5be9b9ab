package router

// The JSON forms of show ip interface brief, show interfaces and show ip
// route (`| json`). The schemas are documented in the top README's "JSON
// output" section: field names are part of the router's interface, so
// they only grow. Each form is built from the rows the text is printed
// from.

// BriefJSON is show ip interface brief | json.
type BriefJSON struct {
	Interfaces []BriefInterfaceJSON `json:"interfaces"`
}

// BriefInterfaceJSON is one line of show ip interface brief.
type BriefInterfaceJSON struct {
	Name      string `json:"name"`
	IPAddress string `json:"ip_address"` // "unassigned" as the text says
	OK        string `json:"ok"`
	Method    string `json:"method"`
	Status    string `json:"status"`
	Protocol  string `json:"protocol"`
}

func briefJSON(rows []briefRow) BriefJSON {
	out := BriefJSON{Interfaces: make([]BriefInterfaceJSON, 0, len(rows))}
	for _, r := range rows {
		out.Interfaces = append(out.Interfaces, BriefInterfaceJSON{r.name, r.addr, r.ok, r.method, r.status, r.proto})
	}
	return out
}

// InterfacesJSON is show interfaces [IF] | json.
type InterfacesJSON struct {
	Interfaces []InterfaceJSON `json:"interfaces"`
}

// InterfaceJSON is one interface of show interfaces. Counters of a
// subinterface are those the text does not print (IOS keeps none of its
// own); rates are the text's averages since boot or the last clear.
type InterfaceJSON struct {
	Name                 string `json:"name"`
	Status               string `json:"status"`
	Protocol             string `json:"protocol"`
	Hardware             string `json:"hardware"`
	MACAddress           string `json:"mac_address"` // "" on a loopback
	BIA                  string `json:"bia"`
	Description          string `json:"description"`
	IPAddress            string `json:"ip_address"` // "A.B.C.D/N", "" when none
	MTU                  int    `json:"mtu"`
	BandwidthKbps        uint64 `json:"bandwidth_kbps"`
	DelayUsec            int    `json:"delay_usec"`
	TxLoad               uint64 `json:"txload"`
	RxLoad               uint64 `json:"rxload"`
	Encapsulation        string `json:"encapsulation"` // ARPA, LOOPBACK, 802.1Q
	VLAN                 uint16 `json:"vlan"`          // 0 unless 802.1Q
	Duplex               string `json:"duplex"`        // auto, full, half
	Speed                string `json:"speed"`         // auto, 10, 100, 1000
	ARPTimeout           string `json:"arp_timeout"`   // hh:mm:ss, "" on a loopback
	LastInput            string `json:"last_input"`    // hh:mm:ss or "never"
	LastOutput           string `json:"last_output"`
	LastClearing         string `json:"last_clearing"`
	InputRateBps         uint64 `json:"input_rate_bps"`
	InputRatePps         uint64 `json:"input_rate_pps"`
	OutputRateBps        uint64 `json:"output_rate_bps"`
	OutputRatePps        uint64 `json:"output_rate_pps"`
	PacketsInput         uint64 `json:"packets_input"`
	BytesInput           uint64 `json:"bytes_input"`
	Broadcasts           uint64 `json:"broadcasts"`
	Multicasts           uint64 `json:"multicasts"`
	InputErrors          uint64 `json:"input_errors"`
	InputDrops           uint64 `json:"input_drops"`
	PacketsOutput        uint64 `json:"packets_output"`
	BytesOutput          uint64 `json:"bytes_output"`
	OutputErrors         uint64 `json:"output_errors"`
	OutputDrops          uint64 `json:"output_drops"`
	UnknownProtocolDrops uint64 `json:"unknown_protocol_drops"`
}

func interfacesJSON(details []ifDetail) InterfacesJSON {
	out := InterfacesJSON{Interfaces: make([]InterfaceJSON, 0, len(details))}
	for _, d := range details {
		j := InterfaceJSON{
			Name: d.name, Status: d.status, Protocol: d.proto, Hardware: interfaceHardwareID,
			MACAddress: d.mac, BIA: d.bia, Description: d.desc,
			MTU: d.mtu, BandwidthKbps: d.bw, DelayUsec: d.delayUsec, TxLoad: d.txload, RxLoad: d.rxload,
			Encapsulation: "ARPA", VLAN: 0, Duplex: d.duplex, Speed: d.speed, ARPTimeout: d.arpTimeout,
			LastInput: d.lastIn, LastOutput: d.lastOut, LastClearing: d.clearing,
			InputRateBps: d.inBps, InputRatePps: d.inPps, OutputRateBps: d.outBps, OutputRatePps: d.outPps,
			PacketsInput: d.k.InPackets, BytesInput: d.k.InBytes, Broadcasts: d.broadcasts, Multicasts: d.multicasts,
			InputErrors: d.k.InErrors, InputDrops: d.k.InDrops,
			PacketsOutput: d.k.OutPackets, BytesOutput: d.k.OutBytes, OutputErrors: d.k.OutErrors, OutputDrops: d.k.OutDrops,
			UnknownProtocolDrops: d.k.InUnknownProto,
		}
		switch {
		case d.loopback:
			j.Hardware, j.Encapsulation, j.Duplex, j.Speed, j.ARPTimeout = "Loopback", "LOOPBACK", "", "", ""
		case d.sub:
			j.Encapsulation, j.VLAN = "802.1Q", d.vlan
		}
		if d.addr.IsValid() {
			j.IPAddress = d.addr.String()
		}
		out.Interfaces = append(out.Interfaces, j)
	}
	return out
}

// RoutesJSON is show ip route | json: the routes in the text's order,
// without its classful grouping.
type RoutesJSON struct {
	// GatewayOfLastResort is the default route's next hop, "0.0.0.0" for a
	// default through an interface, "" when not set.
	GatewayOfLastResort string      `json:"gateway_of_last_resort"`
	Routes              []RouteJSON `json:"routes"`
}

// RouteJSON is one route.
type RouteJSON struct {
	Code             string `json:"code"` // C, L, S
	Prefix           string `json:"prefix"`
	Distance         int    `json:"distance"`
	Metric           int    `json:"metric"`
	NextHop          string `json:"next_hop"`  // "" when none
	Interface        string `json:"interface"` // "" when none
	CandidateDefault bool   `json:"candidate_default"`
}

func routesJSON(routes []RouteEntry) RoutesJSON {
	out := RoutesJSON{Routes: make([]RouteJSON, 0, len(routes))}
	if gw, ok := defaultGateway(routes); ok {
		out.GatewayOfLastResort = gw.String()
	}
	for _, g := range groupClassful(routes) {
		for _, r := range g.routes {
			j := RouteJSON{Code: string(r.Code), Prefix: r.Prefix.String(), Distance: r.Distance, Metric: r.Metric,
				Interface: r.Interface, CandidateDefault: r.Prefix.Bits() == 0}
			if r.NextHop.IsValid() {
				j.NextHop = r.NextHop.String()
			}
			out.Routes = append(out.Routes, j)
		}
	}
	return out
}
