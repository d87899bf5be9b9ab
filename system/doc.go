// Package system owns the IOS commands every lab configuration starts with:
// the enable secret and password, local users, the console, aux and vty
// lines with their passwords and login settings, the message-of-the-day and
// other banners, the DNS resolver switches (ip domain lookup, ip domain
// name), ip cef, the HTTP server switches, SSH (ip ssh, crypto key generate
// rsa), and the EXEC commands show clock, clock set, show users, show ip arp,
// show processes cpu and memory (the process's real CPU time, goroutines and
// heap) and reload.
//
// Register installs them on an ios engine, keeps their state and renders it
// into the running-config at the IOS positions, so that a rendered
// configuration loaded back gives the same text: secrets render as type 5
// (MD5-crypt) hashes, passwords as type 7 once service password-encryption
// has seen them, and hashed or encrypted input is kept as typed.
package system
