// Package ios is an emulated Cisco IOS command-line engine.
//
// It knows nothing about routing, NAT or access lists: feature packages install
// their commands (FRR DEFUN style, see README.md) and their running-config
// sections. The engine provides what every IOS command shares: modes and
// prompts, unique-prefix abbreviations, interface-name spellings, the exact IOS
// error messages with the caret marker, context help (`?`), Tab completion,
// command history, output modifiers (`| include` ...), the `--More--` pager,
// walk-up from sub-modes, `do`, `show running-config`, saving the
// startup-config and syslog messages.
//
// The grammar of each command is compiled into a small program; matching runs
// all programs of a mode side by side, one typed word at a time, keeping only
// the best kind of match at each word (exact keyword > unique prefix > typed
// value). That is what makes `sh ip int br` work and what tells ambiguous,
// incomplete and invalid input apart the way IOS does.
//
// A session runs lines for a program (Execute, RunScript) or for a terminal:
// package console brings the line editor that every terminal uses (the
// console socket, telnet, SSH and the router's own terminal).
package ios
