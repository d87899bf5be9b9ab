// Package system owns the IOS commands every lab configuration starts with:
// the enable secret and password, local users, the console, aux and vty
// lines with their passwords and login settings, the message-of-the-day and
// other banners, the DNS resolver switches (ip domain lookup, ip domain
// name), ip cef, the HTTP server switches, SSH (ip ssh, crypto key generate
// rsa), and the EXEC commands show clock, clock set, show users, show ip arp,
// show processes cpu and memory (the process's real CPU time, goroutines and
// heap) and reload.
//
// It also runs the vty lines for the telnet and SSH servers: OpenVTY picks
// a line as IOS does (transport input, access-class, busy lines, login
// block-for's quiet mode), VTY.Authenticate and VTY.Terminal log a user in,
// show users, show line and clear line see and end the sessions. The RSA
// key pair of crypto key generate rsa is real and kept beside the
// startup-config, as IOS keeps it in NVRAM; secrets of type 5, 8 (PBKDF2)
// and 9 (scrypt) are checked and made.
//
// Register installs them on an ios engine, keeps their state and renders it
// into the running-config at the IOS positions, so that a rendered
// configuration loaded back gives the same text: secrets render as type 5
// (MD5-crypt) hashes, passwords as type 7 once service password-encryption
// has seen them, and hashed or encrypted input is kept as typed.
package system
