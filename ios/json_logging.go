package ios

// The JSON form of show logging (`| json`), built from the view the text
// is printed from. The schema is documented in the top README's "JSON
// output" section. The syslog hosts (a forwarder's ShowHosts text) are not
// part of it.

// LoggingJSON is show logging | json.
type LoggingJSON struct {
	MessagesDropped     int                `json:"messages_dropped"` // overwritten in the buffer
	MessagesRateLimited uint64             `json:"messages_rate_limited"`
	Console             LogDestinationJSON `json:"console"`
	Monitor             LogDestinationJSON `json:"monitor"`
	Buffer              LogDestinationJSON `json:"buffer"`
	Trap                LogDestinationJSON `json:"trap"`
	BufferSize          int                `json:"buffer_size"` // bytes
	// Messages are the buffer's lines, oldest first, as the text prints
	// them; empty when buffer logging is off.
	Messages []string `json:"messages"`
}

// LogDestinationJSON is one destination: its level name ("debugging",
// "informational", ...) and the messages it took ("" and 0 when disabled).
type LogDestinationJSON struct {
	Enabled        bool   `json:"enabled"`
	Level          string `json:"level"`
	MessagesLogged int    `json:"messages_logged"`
}

func destinationJSON(l levelSetting, def, n int) LogDestinationJSON {
	if l.off {
		return LogDestinationJSON{}
	}
	return LogDestinationJSON{true, LevelNames[l.levelOr(def)], n}
}

func loggingJSON(v *logView) LoggingJSON {
	c := &v.c
	j := LoggingJSON{
		MessagesDropped: v.st.Overwritten, MessagesRateLimited: v.limited,
		Console:    destinationJSON(c.console, SevDebugging, c.consoleN),
		Monitor:    LogDestinationJSON{true, LevelNames[SevDebugging], 0},
		Buffer:     destinationJSON(c.buffer, SevDebugging, c.bufferN),
		Trap:       destinationJSON(c.trap, SevInformational, c.trapN),
		BufferSize: v.st.Size,
		Messages:   append([]string{}, v.lines...),
	}
	return j
}
