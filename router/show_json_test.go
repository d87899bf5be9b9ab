package router

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"natlab/internal/golden"
)

// jsonLab is the CLI lab with a state worth showing: a loopback, a
// subinterface, a shut interface with a description, static routes
// (one default), and traffic counted on Gi0/0.
func jsonLab(t *testing.T) *cliLab {
	t.Helper()
	l := newCLILab(t)
	out := l.run("configure terminal",
		"interface Loopback0", "ip address 10.255.0.1 255.255.255.0",
		"interface GigabitEthernet0/2", "description spare <unused>", "shutdown",
		"interface GigabitEthernet0/1.20", "encapsulation dot1Q 20", "ip address 10.20.0.1 255.255.255.0",
		"exit",
		"ip route 0.0.0.0 0.0.0.0 203.0.113.10",
		"ip route 172.16.0.0 255.255.0.0 GigabitEthernet0/1 203.0.113.9",
		"ip route 10.9.0.0 255.255.0.0 10.255.0.7",
		"end")
	if strings.Contains(out, "% ") {
		t.Fatalf("configuration failed:\n%s", out)
	}
	for k := uint16(1); k <= 3; k++ {
		l.inside.Inject(echoPkt(pc1, r1Inside.Addr(), 1, k, 64))
		expect(t, l.inside)
	}
	l.clock.Advance(2e9) // rates and "last input" move off zero
	return l
}

// showBoth runs a show command and its `| json` form and returns the text
// and the document (checked against testdata/json/NAME.json).
func showBoth(t *testing.T, l *cliLab, cmd, name string, doc any) string {
	t.Helper()
	text := l.run(cmd)
	js := l.run(cmd + " | json")
	golden.Compare(t, filepath.Join("testdata", "json", name+".json"), js)
	if err := json.Unmarshal([]byte(js), doc); err != nil {
		t.Fatalf("%s | json: %v\n%s", cmd, err, js)
	}
	return text
}

func TestShowIPInterfaceBriefJSON(t *testing.T) {
	l := jsonLab(t)
	var doc BriefJSON
	text := showBoth(t, l, "show ip interface brief", "ip_interface_brief", &doc)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")[1:]
	if len(lines) != len(doc.Interfaces) || len(lines) < 5 {
		t.Fatalf("%d text rows, %d JSON rows", len(lines), len(doc.Interfaces))
	}
	for k, line := range lines {
		j := doc.Interfaces[k]
		cols := []string{line[:27], line[27:43], line[43:47], line[47:54], line[54:76], line[76:]}
		want := []string{j.Name, j.IPAddress, j.OK, j.Method, j.Status, j.Protocol}
		for c := range cols {
			if strings.TrimSpace(cols[c]) != want[c] {
				t.Errorf("row %d column %d: text %q, JSON %q", k, c, strings.TrimSpace(cols[c]), want[c])
			}
		}
	}
}

func TestShowInterfacesJSON(t *testing.T) {
	l := jsonLab(t)
	var doc InterfacesJSON
	text := showBoth(t, l, "show interfaces", "interfaces", &doc)
	blocks := regexp.MustCompile(`(?m)^\S`).FindAllStringIndex(text, -1)
	if len(blocks) != len(doc.Interfaces) || len(blocks) < 5 {
		t.Fatalf("%d text blocks, %d JSON interfaces", len(blocks), len(doc.Interfaces))
	}
	sawTraffic := false
	for k, j := range doc.Interfaces {
		end := len(text)
		if k+1 < len(blocks) {
			end = blocks[k+1][0]
		}
		block := text[blocks[k][0]:end]
		want := []string{fmt.Sprintf("%s is %s, line protocol is %s \n", j.Name, j.Status, j.Protocol),
			fmt.Sprintf("  MTU %d bytes, BW %d Kbit/sec, DLY %d usec, \n", j.MTU, j.BandwidthKbps, j.DelayUsec),
			fmt.Sprintf("txload %d/255, rxload %d/255\n", j.TxLoad, j.RxLoad)}
		if j.ARPTimeout != "" {
			want = append(want, fmt.Sprintf("ARP Timeout %s\n", j.ARPTimeout))
		}
		if j.IPAddress != "" {
			want = append(want, "  Internet address is "+j.IPAddress+"\n")
		}
		if j.Description != "" {
			want = append(want, "  Description: "+j.Description+"\n")
		}
		if j.MACAddress != "" {
			want = append(want, fmt.Sprintf("address is %s (bia %s)\n", j.MACAddress, j.BIA))
		}
		if j.Encapsulation == "802.1Q" {
			want = append(want, fmt.Sprintf("Vlan ID  %d.\n", j.VLAN))
		} else {
			want = append(want,
				fmt.Sprintf("  Encapsulation %s,", j.Encapsulation),
				fmt.Sprintf("  Last input %s, output %s,", j.LastInput, j.LastOutput),
				fmt.Sprintf("counters %s\n", j.LastClearing),
				fmt.Sprintf("/%d/0 (size/max/drops/flushes); Total output drops: %d\n", j.InputDrops, j.OutputDrops),
				fmt.Sprintf("input rate %d bits/sec, %d packets/sec\n", j.InputRateBps, j.InputRatePps),
				fmt.Sprintf("output rate %d bits/sec, %d packets/sec\n", j.OutputRateBps, j.OutputRatePps),
				fmt.Sprintf("     %d packets input, %d bytes,", j.PacketsInput, j.BytesInput),
				fmt.Sprintf("     Received %d broadcasts (%d IP multicasts)\n", j.Broadcasts, j.Multicasts),
				fmt.Sprintf("     %d input errors,", j.InputErrors),
				fmt.Sprintf("     %d packets output, %d bytes,", j.PacketsOutput, j.BytesOutput),
				fmt.Sprintf("     %d output errors,", j.OutputErrors),
				fmt.Sprintf("     %d unknown protocol drops\n", j.UnknownProtocolDrops))
		}
		for _, w := range want {
			if !strings.Contains(block, w) {
				t.Errorf("%s: text lacks %q:\n%s", j.Name, w, block)
			}
		}
		sawTraffic = sawTraffic || j.PacketsInput > 0 && j.InputRateBps > 0
	}
	if !sawTraffic {
		t.Error("no interface counted the pings")
	}
	var one InterfacesJSON
	if err := json.Unmarshal([]byte(l.run("show interfaces Loopback0 | json")), &one); err != nil || len(one.Interfaces) != 1 || one.Interfaces[0].Encapsulation != "LOOPBACK" {
		t.Errorf("show interfaces Loopback0 | json: %+v %v", one, err)
	}
}

func TestShowIPRouteJSON(t *testing.T) {
	l := jsonLab(t)
	var doc RoutesJSON
	text := showBoth(t, l, "show ip route", "ip_route", &doc)
	if !strings.Contains(text, "Gateway of last resort is "+doc.GatewayOfLastResort+" to network 0.0.0.0\n") || doc.GatewayOfLastResort == "" {
		t.Errorf("gateway %q does not match the text", doc.GatewayOfLastResort)
	}
	var lines []string
	route := regexp.MustCompile(`^[CLS]\*? `)
	for _, line := range strings.Split(text, "\n") {
		if route.MatchString(line) {
			lines = append(lines, line)
		}
	}
	if len(lines) != len(doc.Routes) || len(lines) < 6 {
		t.Fatalf("%d text routes, %d JSON routes:\n%s", len(lines), len(doc.Routes), text)
	}
	for k, r := range doc.Routes {
		line := lines[k]
		code := r.Code
		if r.CandidateDefault {
			code += "*"
		}
		want := []string{code + " ", " " + strings.Split(r.Prefix, "/")[0]}
		if r.NextHop != "" {
			want = append(want, "["+strconv.Itoa(r.Distance)+"/"+strconv.Itoa(r.Metric)+"] via "+r.NextHop)
		}
		if r.Interface != "" {
			want = append(want, ", "+r.Interface)
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("route %d: %q lacks %q", k, line, w)
			}
		}
	}
}

// TestJSONListsAreNeverNull: a router with nothing to show gives empty
// lists, not null.
func TestJSONListsAreNeverNull(t *testing.T) {
	for _, v := range []any{briefJSON(nil), interfacesJSON(nil), routesJSON(nil)} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), "null") {
			t.Errorf("%s", b)
		}
	}
}
