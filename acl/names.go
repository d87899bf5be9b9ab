package acl

import (
	"strconv"

	"natlab/packet"
)

// keyword is one IOS keyword with its value and its `?` help text.
type keyword struct {
	Name  string
	Value int
	Help  string
}

// Protocols lists the IOS protocol keywords of extended entries (ip is
// "any protocol" and has Value -1).
var Protocols = []keyword{
	{"ahp", 51, "Authentication Header Protocol"},
	{"eigrp", 88, "Cisco's EIGRP routing protocol"},
	{"esp", 50, "Encapsulation Security Payload"},
	{"gre", 47, "Cisco's GRE tunneling"},
	{"icmp", 1, "Internet Control Message Protocol"},
	{"igmp", 2, "Internet Gateway Message Protocol"},
	{"ip", -1, "Any Internet Protocol"},
	{"ipinip", 94, "IP in IP tunneling"},
	{"nos", 4, "KA9Q NOS compatible IP over IP tunneling"},
	{"ospf", 89, "OSPF routing protocol"},
	{"pcp", 108, "Payload Compression Protocol"},
	{"pim", 103, "Protocol Independent Multicast"},
	{"tcp", 6, "Transmission Control Protocol"},
	{"udp", 17, "User Datagram Protocol"},
}

// TCPPorts lists the IOS 15 TCP port keywords (`eq ?` after tcp).
var TCPPorts = []keyword{
	{"bgp", 179, "Border Gateway Protocol (179)"},
	{"chargen", 19, "Character generator (19)"},
	{"cmd", 514, "Remote commands (rcmd, 514)"},
	{"daytime", 13, "Daytime (13)"},
	{"discard", 9, "Discard (9)"},
	{"domain", 53, "Domain Name Service (53)"},
	{"drip", 3949, "Dynamic Routing Information Protocol (3949)"},
	{"echo", 7, "Echo (7)"},
	{"exec", 512, "Exec (rsh, 512)"},
	{"finger", 79, "Finger (79)"},
	{"ftp", 21, "File Transfer Protocol (21)"},
	{"ftp-data", 20, "FTP data connections (20)"},
	{"gopher", 70, "Gopher (70)"},
	{"hostname", 101, "NIC hostname server (101)"},
	{"ident", 113, "Ident Protocol (113)"},
	{"irc", 194, "Internet Relay Chat (194)"},
	{"klogin", 543, "Kerberos login (543)"},
	{"kshell", 544, "Kerberos shell (544)"},
	{"login", 513, "Login (rlogin, 513)"},
	{"lpd", 515, "Printer service (515)"},
	{"msrpc", 135, "MS Remote Procedure Call (135)"},
	{"nntp", 119, "Network News Transport Protocol (119)"},
	{"onep-plain", 15001, "Onep Cleartext (15001)"},
	{"onep-tls", 15002, "Onep TLS (15002)"},
	{"pim-auto-rp", 496, "PIM Auto-RP (496)"},
	{"pop2", 109, "Post Office Protocol v2 (109)"},
	{"pop3", 110, "Post Office Protocol v3 (110)"},
	{"smtp", 25, "Simple Mail Transport Protocol (25)"},
	{"sunrpc", 111, "Sun Remote Procedure Call (111)"},
	{"syslog", 514, "Syslog (514)"},
	{"tacacs", 49, "TAC Access Control System (49)"},
	{"talk", 517, "Talk (517)"},
	{"telnet", 23, "Telnet (23)"},
	{"time", 37, "Time (37)"},
	{"uucp", 540, "Unix-to-Unix Copy Program (540)"},
	{"whois", 43, "Nicname (43)"},
	{"www", 80, "World Wide Web (HTTP, 80)"},
}

// UDPPorts lists the IOS 15 UDP port keywords (`eq ?` after udp).
var UDPPorts = []keyword{
	{"biff", 512, "Biff (mail notification, comsat, 512)"},
	{"bootpc", 68, "Bootstrap Protocol (BOOTP) client (68)"},
	{"bootps", 67, "Bootstrap Protocol (BOOTP) server (67)"},
	{"discard", 9, "Discard (9)"},
	{"dnsix", 195, "DNSIX security protocol auditing (195)"},
	{"domain", 53, "Domain Name Service (DNS, 53)"},
	{"echo", 7, "Echo (7)"},
	{"isakmp", 500, "Internet Security Association and Key Management Protocol (500)"},
	{"mobile-ip", 434, "Mobile IP registration (434)"},
	{"nameserver", 42, "IEN116 name service (obsolete, 42)"},
	{"netbios-dgm", 138, "NetBios datagram service (138)"},
	{"netbios-ns", 137, "NetBios name service (137)"},
	{"netbios-ss", 139, "NetBios session service (139)"},
	{"non500-isakmp", 4500, "Internet Security Association and Key Management Protocol (4500)"},
	{"ntp", 123, "Network Time Protocol (123)"},
	{"pim-auto-rp", 496, "PIM Auto-RP (496)"},
	{"rip", 520, "Routing Information Protocol (router, in.routed, 520)"},
	{"snmp", 161, "Simple Network Management Protocol (161)"},
	{"snmptrap", 162, "SNMP Traps (162)"},
	{"sunrpc", 111, "Sun Remote Procedure Call (111)"},
	{"syslog", 514, "System Logger (514)"},
	{"tacacs", 49, "TAC Access Control System (49)"},
	{"talk", 517, "Talk (517)"},
	{"tftp", 69, "Trivial File Transfer Protocol (69)"},
	{"time", 37, "Time (37)"},
	{"who", 513, "Who service (rwho, 513)"},
	{"xdmcp", 177, "X Display Manager Control Protocol (177)"},
}

// icmpMessage is an ICMP keyword: a type, and a code unless Code < 0.
type icmpMessage struct {
	Name       string
	Type, Code int
	Help       string
}

// ICMPMessages lists the IOS ICMP message keywords of extended icmp entries.
var ICMPMessages = []icmpMessage{
	{"administratively-prohibited", 3, 13, "Administratively prohibited"},
	{"alternate-address", 6, -1, "Alternate address"},
	{"conversion-error", 31, -1, "Datagram conversion"},
	{"dod-host-prohibited", 3, 10, "Host prohibited"},
	{"dod-net-prohibited", 3, 9, "Net prohibited"},
	{"echo", 8, -1, "Echo (ping)"},
	{"echo-reply", 0, -1, "Echo reply"},
	{"general-parameter-problem", 12, 0, "Parameter problem"},
	{"host-isolated", 3, 8, "Host isolated"},
	{"host-precedence-unreachable", 3, 14, "Host unreachable for precedence"},
	{"host-redirect", 5, 1, "Host redirect"},
	{"host-tos-redirect", 5, 3, "Host redirect for TOS"},
	{"host-tos-unreachable", 3, 12, "Host unreachable for TOS"},
	{"host-unknown", 3, 7, "Host unknown"},
	{"host-unreachable", 3, 1, "Host unreachable"},
	{"information-reply", 16, -1, "Information replies"},
	{"information-request", 15, -1, "Information requests"},
	{"mask-reply", 18, -1, "Mask replies"},
	{"mask-request", 17, -1, "Mask requests"},
	{"mobile-redirect", 32, -1, "Mobile host redirect"},
	{"net-redirect", 5, 0, "Network redirect"},
	{"net-tos-redirect", 5, 2, "Net redirect for TOS"},
	{"net-tos-unreachable", 3, 11, "Network unreachable for TOS"},
	{"net-unreachable", 3, 0, "Net unreachable"},
	{"network-unknown", 3, 6, "Network unknown"},
	{"no-room-for-option", 12, 2, "Parameter required but no room"},
	{"option-missing", 12, 1, "Parameter required but not present"},
	{"packet-too-big", 3, 4, "Fragmentation needed and DF set"},
	{"parameter-problem", 12, -1, "All parameter problems"},
	{"port-unreachable", 3, 3, "Port unreachable"},
	{"precedence-unreachable", 3, 15, "Precedence cutoff"},
	{"protocol-unreachable", 3, 2, "Protocol unreachable"},
	{"reassembly-timeout", 11, 1, "Reassembly timeout"},
	{"redirect", 5, -1, "All redirects"},
	{"router-advertisement", 9, -1, "Router discovery advertisements"},
	{"router-solicitation", 10, -1, "Router discovery solicitations"},
	{"source-quench", 4, -1, "Source quenches"},
	{"source-route-failed", 3, 5, "Source route failed"},
	{"time-exceeded", 11, -1, "All time exceededs"},
	{"timestamp-reply", 14, -1, "Timestamp replies"},
	{"timestamp-request", 13, -1, "Timestamp requests"},
	{"traceroute", 30, -1, "Traceroute"},
	{"ttl-exceeded", 11, 0, "TTL exceeded"},
	{"unreachable", 3, -1, "All unreachables"},
}

var (
	protoByName  = map[string]int{}
	protoByValue = map[int]string{}
	tcpByName    = map[string]int{}
	tcpByValue   = map[int]string{}
	udpByName    = map[string]int{}
	udpByValue   = map[int]string{}
	icmpByName   = map[string]icmpMessage{}
	icmpByValue  = map[[2]int]string{} // {type, code}; code -1 for a type-only keyword
)

func init() {
	for _, k := range Protocols {
		protoByName[k.Name] = k.Value
		if k.Value >= 0 {
			protoByValue[k.Value] = k.Name
		}
	}
	index := func(list []keyword, byName map[string]int, byValue map[int]string) {
		for _, k := range list {
			byName[k.Name] = k.Value
			if _, dup := byValue[k.Value]; !dup { // TCP 514: cmd, listed before syslog
				byValue[k.Value] = k.Name
			}
		}
	}
	index(TCPPorts, tcpByName, tcpByValue)
	index(UDPPorts, udpByName, udpByValue)
	for _, m := range ICMPMessages {
		icmpByName[m.Name] = m
		icmpByValue[[2]int{m.Type, m.Code}] = m.Name
	}
	icmpByName["net-unknown"] = icmpMessage{"net-unknown", 3, 6, "Network unknown"}
}

// portName renders a port number as IOS does: the keyword of that protocol
// if there is one, else the number.
func portName(proto packet.Proto, port uint16) string {
	var names map[int]string
	switch proto {
	case packet.ProtoTCP:
		names = tcpByValue
	case packet.ProtoUDP:
		names = udpByValue
	}
	if n, ok := names[int(port)]; ok {
		return n
	}
	return strconv.Itoa(int(port))
}

// protoName renders an IP protocol number as its keyword, else the number.
func protoName(p packet.Proto) string {
	if n, ok := protoByValue[int(p)]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}
