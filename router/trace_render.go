package router

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"natlab/packet"
)

// How packet-tracer prints a TraceResult: the ASA's text layout, or the
// JSON document README.md ("packet-tracer") describes.

// WriteText prints the phases and the Result block as the ASA does;
// detailed adds each phase's Detail lines.
func (r *TraceResult) WriteText(w io.Writer, detailed bool) {
	var b strings.Builder
	for k, ph := range r.Phases {
		fmt.Fprintf(&b, "Phase: %d\nType: %s\nSubtype: %s\nResult: %s\nConfig:\n", k+1, ph.Type, ph.Subtype, ph.Result)
		for _, l := range ph.Config {
			b.WriteString(l + "\n")
		}
		b.WriteString("Additional Information:\n")
		for _, l := range ph.Info {
			b.WriteString(l + "\n")
		}
		if detailed {
			for _, l := range ph.Detail {
				b.WriteString(l + "\n")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("Result:\n")
	fmt.Fprintf(&b, "input-interface: %s\ninput-status: %s\ninput-line-status: %s\n", r.InputInterface, r.InputStatus, r.InputLineStatus)
	if r.OutputInterface != "" {
		fmt.Fprintf(&b, "output-interface: %s\noutput-status: %s\noutput-line-status: %s\n", r.OutputInterface, r.OutputStatus, r.OutputLineStatus)
	}
	fmt.Fprintf(&b, "Action: %s\n", r.Action)
	if r.Action == ActionDrop && r.DropReason != "" {
		fmt.Fprintf(&b, "Drop-reason: %s\n", r.DropReason)
	}
	io.WriteString(w, b.String())
}

// The JSON document: field names are part of the command's contract
// (README.md, "packet-tracer"); do not rename them.
type traceJSON struct {
	Input  flowJSON        `json:"input"`
	Phases []phaseJSON     `json:"phases"`
	Result traceResultJSON `json:"result"`
}

type flowJSON struct {
	Interface string `json:"interface,omitempty"`
	Protocol  string `json:"protocol"`
	Src       string `json:"src"`
	SrcPort   *int   `json:"src_port,omitempty"`
	Dst       string `json:"dst"`
	DstPort   *int   `json:"dst_port,omitempty"`
	ICMPType  *int   `json:"icmp_type,omitempty"`
	ICMPCode  *int   `json:"icmp_code,omitempty"`
	ICMPID    *int   `json:"icmp_id,omitempty"`
	TTL       int    `json:"ttl"`
}

type phaseJSON struct {
	ID         int      `json:"id"`
	Type       string   `json:"type"`
	Subtype    string   `json:"subtype"`
	Result     string   `json:"result"`
	Point      string   `json:"point"`
	Config     []string `json:"config"`
	Info       []string `json:"additional_information"`
	Detail     []string `json:"detail,omitempty"`
	DropReason string   `json:"drop_reason,omitempty"`
}

type traceResultJSON struct {
	InputInterface   string    `json:"input-interface"`
	InputStatus      string    `json:"input-status"`
	InputLineStatus  string    `json:"input-line-status"`
	OutputInterface  string    `json:"output-interface,omitempty"`
	OutputStatus     string    `json:"output-status,omitempty"`
	OutputLineStatus string    `json:"output-line-status,omitempty"`
	Action           string    `json:"action"`
	DropReason       string    `json:"drop-reason,omitempty"`
	DropPoint        string    `json:"drop-point,omitempty"`
	NextHop          string    `json:"next-hop,omitempty"`
	Output           *flowJSON `json:"output-packet,omitempty"`
}

func intp(v int) *int { return &v }

func flowToJSON(f TracePacket, iface string) flowJSON {
	j := flowJSON{Interface: iface, Protocol: protoText(f.Proto), TTL: int(f.TTL)}
	if f.Src.IsValid() {
		j.Src, j.Dst = f.Src.String(), f.Dst.String()
	}
	switch f.Proto {
	case packet.ProtoTCP, packet.ProtoUDP:
		j.SrcPort, j.DstPort = intp(int(f.SrcPort)), intp(int(f.DstPort))
	case packet.ProtoICMP:
		j.ICMPType, j.ICMPCode, j.ICMPID = intp(int(f.SrcPort)), intp(int(f.DstPort)), intp(int(f.ICMPID))
	}
	return j
}

func protoText(p packet.Proto) string {
	switch p {
	case packet.ProtoTCP:
		return "tcp"
	case packet.ProtoUDP:
		return "udp"
	case packet.ProtoICMP:
		return "icmp"
	}
	return fmt.Sprint(int(p))
}

// JSON is the trace as the `json` option prints it: indented, ending in a
// newline. detailed keeps each phase's detail lines.
func (r *TraceResult) JSON(detailed bool) []byte {
	doc := traceJSON{Input: flowToJSON(r.In, r.InputInterface), Phases: []phaseJSON{}}
	for k, ph := range r.Phases {
		pj := phaseJSON{ID: k + 1, Type: ph.Type, Subtype: ph.Subtype, Result: ph.Result, Point: ph.Point,
			Config: nonNil(ph.Config), Info: nonNil(ph.Info), DropReason: ph.DropReason}
		if detailed {
			pj.Detail = ph.Detail
		}
		doc.Phases = append(doc.Phases, pj)
	}
	doc.Result = traceResultJSON{InputInterface: r.InputInterface, InputStatus: r.InputStatus, InputLineStatus: r.InputLineStatus,
		OutputInterface: r.OutputInterface, OutputStatus: r.OutputStatus, OutputLineStatus: r.OutputLineStatus,
		Action: r.Action, DropPoint: r.DropPoint}
	if r.Action == ActionDrop {
		doc.Result.DropReason = r.DropReason
	}
	if r.Action == ActionAllow && !r.Local {
		out := flowToJSON(r.Out, r.OutputInterface)
		doc.Result.Output = &out
		if r.NextHop.IsValid() {
			doc.Result.NextHop = r.NextHop.String()
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil { // cannot happen: plain strings and numbers
		return []byte("{}\n")
	}
	return append(b, '\n')
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
