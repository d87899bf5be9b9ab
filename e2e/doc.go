// Package e2e holds the end-to-end tests. The FTP matrix: real FTP servers (vsftpd, pyftpdlib) and real clients
// (curl, lftp, Python ftplib, tnftp) in network namespaces, through the router binary in the reference
// topology (pc1 behind PAT, srv behind static NAT, the ISP outside behind an inbound ACL that admits
// only FTP control), 5 MB transfers both ways with checksums, and the control bytes on the outside wire
// captured and asserted. The same matrix runs against the Linux kernel as the router (nftables NAT and
// the nf_conntrack_ftp helper) as the baseline, plus the cases where a userspace parser should do
// better: a command split across segments, pipelined commands, a late retransmission.
//
// TestRemoteAccess drives the router's vty lines from a lab host with the programs people and automation
// use: OpenSSH (sshpass), the telnet client, netmiko (cisco_ios, cisco_ios_telnet, TextFSM) and Ansible's
// cisco.ios collection, and proves the line policies (transport input, access-class, exec-timeout, login
// block-for) and that the host key survives a restart.
//
// The package has no code of its own: everything is in its tests, which need root and skip otherwise.
// `go test -v -run TestFTPMatrix ./e2e/` prints the table of both routers' results.
package e2e
